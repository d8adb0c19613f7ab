using System.Reflection;
using System.Runtime.Versioning;
using MoSiC.Stream.Build;

namespace MoSiC.Stream.Tests.Build;

/// <summary>
/// build/ElfVersionPatcher.cs (the code the build's inline task runs) against the real
/// libLibTorchSharp.so: the build output copy, and a temp copy of the NuGet cache's original.
/// </summary>
public sealed class ElfVersionPatcherTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private const string Wrapper = "libLibTorchSharp.so";
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "mosic-elf-" + Guid.NewGuid().ToString("N"));

    public ElfVersionPatcherTests() => Directory.CreateDirectory(_temp);

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [SkippableFact]
    public void OutputCopyIsWeakExactlyWhenSystemLibStdCxxLacksTheVersion()
    {
        string? libstdcxx = ElfVersionPatcher.FindSystemLibStdCxx();
        Skip.If(libstdcxx is null, "no system libstdc++.so.6 (not Linux?)");
        string output = Path.Combine(AppContext.BaseDirectory, Wrapper);
        Assert.True(File.Exists(output), $"{output} missing from the test output");

        bool systemHasIt = ElfVersionPatcher.DefinesVersion(libstdcxx!, Version);
        var needs = ElfVersionPatcher.ReadVersionNeeds(output).Where(n => n.Name == Version).ToList();
        Assert.NotEmpty(needs);
        Assert.All(needs, n => Assert.Equal("libstdc++.so.6", n.File));
        Assert.All(needs, n => Assert.Equal(!systemHasIt, n.IsWeak));
        // Only that one requirement is ever relaxed.
        Assert.All(ElfVersionPatcher.ReadVersionNeeds(output).Where(n => n.Name != Version),
                   n => Assert.False(n.IsWeak, $"{n.Name} unexpectedly weak"));
    }

    [SkippableFact]
    public void SystemLibStdCxxVersionDefinitionsAreRead()
    {
        string? libstdcxx = ElfVersionPatcher.FindSystemLibStdCxx();
        Skip.If(libstdcxx is null, "no system libstdc++.so.6 (not Linux?)");
        var defs = ElfVersionPatcher.ReadVersionDefinitions(libstdcxx!);
        Assert.Contains("GLIBCXX_3.4", defs);
        Assert.Contains("CXXABI_1.3", defs);
        Assert.True(ElfVersionPatcher.DefinesVersion(libstdcxx!, "GLIBCXX_3.4.21"));
        Assert.False(ElfVersionPatcher.DefinesVersion(libstdcxx!, "GLIBCXX_99.0"));
    }

    [SkippableFact]
    [SupportedOSPlatform("linux")]
    public void PatchingCacheCopySetsOnlyTheWeakFlagAndIsIdempotent()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Unix file modes and the linux-x64 native only");
        string original = OriginalFromNuGetCache();
        string copy = Path.Combine(_temp, Wrapper);
        File.Copy(original, copy);
        var stamp = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, stamp);
        UnixFileMode mode = File.GetUnixFileMode(copy);

        byte[] before = File.ReadAllBytes(copy);
        var needsBefore = ElfVersionPatcher.ReadVersionNeeds(copy);
        ElfVersionNeed target = Assert.Single(needsBefore, n => n.Name == Version);
        Assert.False(target.IsWeak, "the NuGet cache's original is expected unpatched");

        Assert.Equal(ElfPatchResult.Patched, ElfVersionPatcher.MakeVersionWeak(copy, Version));

        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.InRange(changed.Count, 1, 2); // vna_flags is an Elf64_Half; 0x0000 -> 0x0002 flips one byte
        Assert.All(changed, i => Assert.InRange(i, target.FlagsOffset, target.FlagsOffset + 1));
        ushort flagsAfter = (ushort)(after[target.FlagsOffset] | (after[target.FlagsOffset + 1] << 8));
        Assert.Equal((ushort)(target.Flags | ElfVersionPatcher.VerFlgWeak), flagsAfter);

        var needsAfter = ElfVersionPatcher.ReadVersionNeeds(copy);
        Assert.Equal(needsBefore.Count, needsAfter.Count);
        for (int i = 0; i < needsBefore.Count; i++)
        {
            Assert.Equal(needsBefore[i].Name, needsAfter[i].Name);
            Assert.Equal(needsBefore[i].File, needsAfter[i].File);
            Assert.Equal(needsBefore[i].Other, needsAfter[i].Other);
            Assert.Equal(needsBefore[i].Name == Version, needsAfter[i].IsWeak);
        }

        // Timestamp and permissions kept (so MSBuild's SkipUnchangedFiles keeps skipping the copy).
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));
        Assert.Equal(mode, File.GetUnixFileMode(copy));

        // Second patch: no-op, not even a rewrite.
        Assert.Equal(ElfPatchResult.AlreadyWeak, ElfVersionPatcher.MakeVersionWeak(copy, Version));
        Assert.Equal(after, File.ReadAllBytes(copy));

        // The original in the cache is untouched.
        Assert.False(ElfVersionPatcher.ReadVersionNeeds(original).Single(n => n.Name == Version).IsWeak);
    }

    [SkippableFact]
    public void PatchingThroughASymlinkReplacesTheLinkNotItsTarget()
    {
        string original = OriginalFromNuGetCache();
        string cacheLike = Path.Combine(_temp, "cache-" + Wrapper);
        File.Copy(original, cacheLike);
        string link = Path.Combine(_temp, Wrapper);
        File.CreateSymbolicLink(link, cacheLike);

        Assert.Equal(ElfPatchResult.Patched, ElfVersionPatcher.MakeVersionWeak(link, Version));

        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.True(ElfVersionPatcher.ReadVersionNeeds(link).Single(n => n.Name == Version).IsWeak);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(cacheLike));
    }

    [SkippableFact]
    public void AbsentVersionIsNotRequiredAndLeavesFileAlone()
    {
        string copy = Path.Combine(_temp, Wrapper);
        File.Copy(OriginalFromNuGetCache(), copy);
        byte[] before = File.ReadAllBytes(copy);

        Assert.Equal(ElfPatchResult.NotRequired, ElfVersionPatcher.MakeVersionWeak(copy, "GLIBCXX_99.0"));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void NonElfFileGivesClearError()
    {
        string text = Path.Combine(_temp, "not-elf.so");
        File.WriteAllText(text, "INPUT(-lstdc++)\n"); // a linker script, as some lib*.so are
        var ex = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.MakeVersionWeak(text, Version));
        Assert.Contains("not an ELF file", ex.Message);
        Assert.Contains(text, ex.Message);
    }

    [Fact]
    public void Elf32FileIsRejected()
    {
        byte[] header = new byte[64];
        header[0] = 0x7f; header[1] = (byte)'E'; header[2] = (byte)'L'; header[3] = (byte)'F';
        header[4] = 1; // ELFCLASS32
        header[5] = 1;
        string path = Path.Combine(_temp, "elf32.so");
        File.WriteAllBytes(path, header);
        var ex = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.ReadVersionNeeds(path));
        Assert.Contains("not ELF64", ex.Message);
    }

    [SkippableFact]
    public void TruncatedFileIsRejected()
    {
        byte[] head = File.ReadAllBytes(OriginalFromNuGetCache()).Take(4096).ToArray();
        string path = Path.Combine(_temp, "truncated.so");
        File.WriteAllBytes(path, head);
        var ex = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.MakeVersionWeak(path, Version));
        Assert.Contains("section header table", ex.Message);
        Assert.Equal(head, File.ReadAllBytes(path));
    }

    /// <summary>The unpatched original: NuGetPackageRoot/torchsharp/VERSION/runtimes/linux-x64/native.</summary>
    private static string OriginalFromNuGetCache()
    {
        var meta = typeof(ElfVersionPatcherTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                                                   .ToDictionary(a => a.Key, a => a.Value);
        string? root = meta.GetValueOrDefault("NuGetPackageRoot");
        if (string.IsNullOrEmpty(root))
            root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string version = meta.GetValueOrDefault("TorchSharpVersion") is { Length: > 0 } v ? v : "0.107.0";

        string path = Path.Combine(root, "torchsharp", version, "runtimes", "linux-x64", "native", Wrapper);
        Skip.IfNot(File.Exists(path), $"unpatched original not found at {path}");
        return path;
    }
}
