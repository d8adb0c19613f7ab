// ELF symbol-version inspection and the "make one needed version weak" patch.
//
// One file, two consumers:
//  * Directory.Build.targets compiles it as an MSBuild inline task (RoslynCodeTaskFactory,
//    Code Type="Class"); that compiler only references netstandard, so this file sticks to
//    netstandard 2.0 APIs and explicit little-endian byte arithmetic (no Span, no records).
//  * tests/MoSiC.Stream.Tests compiles it in (with ELF_PATCHER_NO_TASK defined, which leaves
//    out the MSBuild task class and its Microsoft.Build references).
//
// Background: libLibTorchSharp.so (TorchSharp 0.107.0) lists GLIBCXX_3.4.32 in its
// .gnu.version_r only for _ZSt21ios_base_library_initv, a symbol that GCC 13 references via a
// bare ".globl" (no relocation, never called). glibc refuses to load a library whose *non-weak*
// needed version is missing, and Debian 12's libstdc++ stops at GLIBCXX_3.4.30. Setting
// VER_FLG_WEAK on that one Elf64_Vernaux entry turns the hard failure into nothing at all.

#nullable enable

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace MoSiC.Stream.Build
{
    /// <summary>The file is not an ELF64 little-endian object, or its version sections are malformed.</summary>
    public sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string message) : base(message) { }
    }

    /// <summary>One Elf64_Vernaux entry of a SHT_GNU_verneed section.</summary>
    public sealed class ElfVersionNeed
    {
        public ElfVersionNeed(string file, string name, ushort flags, ushort other, long flagsOffset)
        {
            File = file;
            Name = name;
            Flags = flags;
            Other = other;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The needed library (vn_file), e.g. "libstdc++.so.6".</summary>
        public string File { get; }

        /// <summary>The needed version (vna_name), e.g. "GLIBCXX_3.4.32".</summary>
        public string Name { get; }

        /// <summary>vna_flags.</summary>
        public ushort Flags { get; }

        /// <summary>vna_other: the version index used in .gnu.version.</summary>
        public ushort Other { get; }

        /// <summary>File offset of the 2-byte vna_flags field.</summary>
        public long FlagsOffset { get; }

        public bool IsWeak => (Flags & ElfVersionPatcher.VerFlgWeak) != 0;
    }

    /// <summary>What <see cref="ElfVersionPatcher.MakeVersionWeak"/> did.</summary>
    public enum ElfPatchResult
    {
        /// <summary>The flag was set; the file was rewritten.</summary>
        Patched,
        /// <summary>The entry already carried VER_FLG_WEAK; the file was not touched.</summary>
        AlreadyWeak,
        /// <summary>The file has no needed version of that name; the file was not touched.</summary>
        NotRequired,
    }

    public static class ElfVersionPatcher
    {
        public const uint ShtGnuVerdef = 0x6ffffffd;
        public const uint ShtGnuVerneed = 0x6ffffffe;
        public const ushort VerFlgWeak = 0x2;

        private const int SectionHeaderMinSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const int VerdefSize = 20;
        private const int VerdauxSize = 8;

        private struct Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;
        }

        /// <summary>All needed versions (every Vernaux of every Verneed) of an ELF64 LE file.</summary>
        public static IReadOnlyList<ElfVersionNeed> ReadVersionNeeds(string path)
        {
            return ReadVersionNeeds(File.ReadAllBytes(path), path);
        }

        /// <summary>All defined version names (first Verdaux of every Verdef) of an ELF64 LE file.</summary>
        public static IReadOnlyList<string> ReadVersionDefinitions(string path)
        {
            return ReadVersionDefinitions(File.ReadAllBytes(path), path);
        }

        public static IReadOnlyList<ElfVersionNeed> ReadVersionNeeds(byte[] image, string what)
        {
            var sections = ReadSections(image, what);
            var result = new List<ElfVersionNeed>();
            foreach (var sec in sections)
            {
                if (sec.Type != ShtGnuVerneed)
                    continue;
                var strtab = LinkedStringTable(sections, sec, what, ".gnu.version_r");
                long entry = sec.Offset;
                // sh_info holds the number of Verneed entries; also bound by the section size.
                for (uint i = 0; i < sec.Info; i++)
                {
                    RequireInside(entry, VerneedSize, sec, what, "Elf64_Verneed");
                    ushort vnVersion = U16(image, entry);
                    ushort vnCnt = U16(image, entry + 2);
                    uint vnFile = U32(image, entry + 4);
                    uint vnAux = U32(image, entry + 8);
                    uint vnNext = U32(image, entry + 12);
                    if (vnVersion != 1)
                        throw new ElfFormatException($"{what}: Elf64_Verneed at 0x{entry:x} has vn_version {vnVersion}, expected 1.");
                    string file = ReadString(image, strtab, vnFile, what);

                    long aux = entry + vnAux;
                    for (int j = 0; j < vnCnt; j++)
                    {
                        RequireInside(aux, VernauxSize, sec, what, "Elf64_Vernaux");
                        ushort flags = U16(image, aux + 4);
                        ushort other = U16(image, aux + 6);
                        uint name = U32(image, aux + 8);
                        uint next = U32(image, aux + 12);
                        result.Add(new ElfVersionNeed(file, ReadString(image, strtab, name, what), flags, other, aux + 4));
                        if (next == 0)
                        {
                            if (j != vnCnt - 1)
                                throw new ElfFormatException($"{what}: Vernaux chain of '{file}' ends after {j + 1} of {vnCnt} entries.");
                            break;
                        }
                        aux += next;
                    }

                    if (vnNext == 0)
                    {
                        if (i != sec.Info - 1)
                            throw new ElfFormatException($"{what}: Verneed chain ends after {i + 1} of {sec.Info} entries.");
                        break;
                    }
                    entry += vnNext;
                }
            }
            return result;
        }

        public static IReadOnlyList<string> ReadVersionDefinitions(byte[] image, string what)
        {
            var sections = ReadSections(image, what);
            var result = new List<string>();
            foreach (var sec in sections)
            {
                if (sec.Type != ShtGnuVerdef)
                    continue;
                var strtab = LinkedStringTable(sections, sec, what, ".gnu.version_d");
                long entry = sec.Offset;
                for (uint i = 0; i < sec.Info; i++)
                {
                    RequireInside(entry, VerdefSize, sec, what, "Elf64_Verdef");
                    ushort vdCnt = U16(image, entry + 6);
                    uint vdAux = U32(image, entry + 12);
                    uint vdNext = U32(image, entry + 16);
                    if (vdCnt > 0)
                    {
                        long aux = entry + vdAux;
                        RequireInside(aux, VerdauxSize, sec, what, "Elf64_Verdaux");
                        result.Add(ReadString(image, strtab, U32(image, aux), what));
                    }
                    if (vdNext == 0)
                        break;
                    entry += vdNext;
                }
            }
            return result;
        }

        /// <summary>
        /// Whether the shared library defines the given symbol version: its SHT_GNU_verdef names,
        /// or, if it has none (or cannot be parsed), whether the name occurs as a string at all.
        /// </summary>
        public static bool DefinesVersion(string libraryPath, string version)
        {
            byte[] image = File.ReadAllBytes(libraryPath);
            try
            {
                var defs = ReadVersionDefinitions(image, libraryPath);
                if (defs.Count > 0)
                    return Contains(defs, version);
            }
            catch (ElfFormatException)
            {
                // fall through to the plain string search
            }
            return ContainsCString(image, version);
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="versionName"/>. Idempotent.
        /// The file is rewritten through a temporary copy in the same directory and renamed over
        /// the original (so a hard or symbolic link to a package cache is replaced, never written
        /// through); permissions and the last-write time are kept, so timestamp-based copy skipping
        /// (MSBuild's SkipUnchangedFiles) still sees the file as up to date.
        /// </summary>
        public static ElfPatchResult MakeVersionWeak(string path, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            var targets = new List<ElfVersionNeed>();
            foreach (var need in ReadVersionNeeds(image, path))
            {
                if (need.Name == versionName)
                    targets.Add(need);
            }
            if (targets.Count == 0)
                return ElfPatchResult.NotRequired;

            bool changed = false;
            foreach (var need in targets)
            {
                if (need.IsWeak)
                    continue;
                ushort flags = (ushort)(need.Flags | VerFlgWeak);
                image[need.FlagsOffset] = (byte)(flags & 0xff);
                image[need.FlagsOffset + 1] = (byte)(flags >> 8);
                changed = true;
            }
            if (!changed)
                return ElfPatchResult.AlreadyWeak;

            DateTime lastWriteUtc = File.GetLastWriteTimeUtc(path);
            string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            string temp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.Copy(path, temp, overwrite: false); // carries the permission bits
                using (var fs = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                    foreach (var need in targets)
                    {
                        fs.Position = need.FlagsOffset;
                        fs.Write(image, (int)need.FlagsOffset, 2);
                    }
                }
                File.SetLastWriteTimeUtc(temp, lastWriteUtc);
                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp))
                    File.Delete(temp);
            }
            File.SetLastWriteTimeUtc(path, lastWriteUtc);
            return ElfPatchResult.Patched;
        }

        /// <summary>
        /// The libstdc++.so.6 the dynamic loader would pick for this machine: LD_LIBRARY_PATH first,
        /// then the ldconfig cache (ldconfig -p), then the usual Debian/Fedora library directories.
        /// Null when not on Linux or none is found.
        /// </summary>
        public static string? FindSystemLibStdCxx()
        {
            const string soname = "libstdc++.so.6";
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                return null;

            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
            {
                foreach (var dir in ldPath!.Split(':'))
                {
                    if (dir.Length > 0 && File.Exists(Path.Combine(dir, soname)))
                        return Path.Combine(dir, soname);
                }
            }

            string? fromCache = FromLdconfigCache(soname);
            if (fromCache != null)
                return fromCache;

            string[] fallback =
            {
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
            };
            foreach (var dir in fallback)
            {
                string candidate = Path.Combine(dir, soname);
                if (File.Exists(candidate))
                    return candidate;
            }
            return null;
        }

        private static string? FromLdconfigCache(string soname)
        {
            string archTag = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "AArch64" : "x86-64";
            foreach (var exe in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
            {
                if (exe.StartsWith("/", StringComparison.Ordinal) && !File.Exists(exe))
                    continue;
                string output;
                try
                {
                    var psi = new ProcessStartInfo(exe, "-p")
                    {
                        RedirectStandardOutput = true,
                        RedirectStandardError = true,
                        UseShellExecute = false,
                    };
                    using (var p = Process.Start(psi))
                    {
                        if (p == null)
                            continue;
                        output = p.StandardOutput.ReadToEnd();
                        p.WaitForExit(10000);
                    }
                }
                catch (Exception)
                {
                    continue;
                }

                // Lines look like: "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6"
                string? anyArch = null;
                foreach (var raw in output.Split('\n'))
                {
                    string line = raw.Trim();
                    if (!line.StartsWith(soname + " ", StringComparison.Ordinal))
                        continue;
                    int arrow = line.IndexOf("=> ", StringComparison.Ordinal);
                    if (arrow < 0)
                        continue;
                    string target = line.Substring(arrow + 3).Trim();
                    if (!File.Exists(target))
                        continue;
                    if (line.IndexOf(archTag, StringComparison.Ordinal) >= 0)
                        return target;
                    anyArch = anyArch ?? target;
                }
                return anyArch;
            }
            return null;
        }

        private static List<Section> ReadSections(byte[] image, string what)
        {
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                throw new ElfFormatException($"{what}: not an ELF file (bad magic).");
            if (image[4] != 2)
                throw new ElfFormatException($"{what}: not ELF64 (EI_CLASS={image[4]}).");
            if (image[5] != 1)
                throw new ElfFormatException($"{what}: not little-endian ELF (EI_DATA={image[5]}).");

            long shoff = checked((long)U64(image, 0x28));
            ushort shentsize = U16(image, 0x3a);
            long shnum = U16(image, 0x3c);
            if (shoff == 0)
                throw new ElfFormatException($"{what}: ELF file has no section header table.");
            if (shentsize < SectionHeaderMinSize)
                throw new ElfFormatException($"{what}: e_shentsize {shentsize} is smaller than an Elf64_Shdr.");
            if (shoff < 0 || shoff + shentsize > image.Length)
                throw new ElfFormatException($"{what}: section header table at 0x{shoff:x} lies outside the file.");
            if (shnum == 0) // SHN_LORESERVE escape: the real count is in section 0's sh_size
                shnum = checked((long)U64(image, shoff + 32));
            if (shoff + shnum * shentsize > image.Length)
                throw new ElfFormatException($"{what}: section header table ({shnum} entries at 0x{shoff:x}) runs past the end of the file.");

            var sections = new List<Section>((int)shnum);
            for (long i = 0; i < shnum; i++)
            {
                long h = shoff + i * shentsize;
                var s = new Section
                {
                    Type = U32(image, h + 4),
                    Offset = checked((long)U64(image, h + 24)),
                    Size = checked((long)U64(image, h + 32)),
                    Link = U32(image, h + 40),
                    Info = U32(image, h + 44),
                };
                const uint ShtNobits = 8;
                if (s.Type != ShtNobits && s.Type != 0 && (s.Offset < 0 || s.Size < 0 || s.Offset + s.Size > image.Length))
                    throw new ElfFormatException($"{what}: section {i} (type 0x{s.Type:x}) lies outside the file.");
                sections.Add(s);
            }
            return sections;
        }

        private static Section LinkedStringTable(List<Section> sections, Section sec, string what, string name)
        {
            const uint ShtStrtab = 3;
            if (sec.Link == 0 || sec.Link >= sections.Count || sections[(int)sec.Link].Type != ShtStrtab)
                throw new ElfFormatException($"{what}: {name} sh_link {sec.Link} does not name a string table.");
            return sections[(int)sec.Link];
        }

        private static void RequireInside(long offset, int size, Section sec, string what, string structName)
        {
            if (offset < sec.Offset || offset + size > sec.Offset + sec.Size)
                throw new ElfFormatException($"{what}: {structName} at 0x{offset:x} lies outside its section (0x{sec.Offset:x}+0x{sec.Size:x}).");
        }

        private static string ReadString(byte[] image, Section strtab, uint index, string what)
        {
            long start = strtab.Offset + index;
            long end = strtab.Offset + strtab.Size;
            if (index >= strtab.Size)
                throw new ElfFormatException($"{what}: string index {index} lies outside its string table.");
            long p = start;
            while (p < end && image[p] != 0)
                p++;
            if (p == end)
                throw new ElfFormatException($"{what}: unterminated string at string table index {index}.");
            return Encoding.ASCII.GetString(image, (int)start, (int)(p - start));
        }

        private static bool Contains(IReadOnlyList<string> list, string value)
        {
            foreach (var s in list)
            {
                if (s == value)
                    return true;
            }
            return false;
        }

        /// <summary>NUL-terminated occurrence of <paramref name="text"/> anywhere in the image.</summary>
        private static bool ContainsCString(byte[] image, string text)
        {
            byte[] needle = Encoding.ASCII.GetBytes(text + "\0");
            for (int i = 0; i + needle.Length <= image.Length; i++)
            {
                if (image[i] != needle[0] || (i > 0 && image[i - 1] != 0))
                    continue;
                int k = 1;
                while (k < needle.Length && image[i + k] == needle[k])
                    k++;
                if (k == needle.Length)
                    return true;
            }
            return false;
        }

        private static ushort U16(byte[] b, long o)
        {
            CheckRange(b, o, 2);
            return (ushort)(b[o] | (b[o + 1] << 8));
        }

        private static uint U32(byte[] b, long o)
        {
            CheckRange(b, o, 4);
            return (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        }

        private static ulong U64(byte[] b, long o)
        {
            CheckRange(b, o, 8);
            return U32(b, o) | ((ulong)U32(b, o + 4) << 32);
        }

        private static void CheckRange(byte[] b, long o, int n)
        {
            if (o < 0 || o + n > b.Length)
                throw new ElfFormatException($"read of {n} bytes at 0x{o:x} runs past the end of the file ({b.Length} bytes).");
        }
    }
}

#if !ELF_PATCHER_NO_TASK
namespace MoSiC.Stream.Build
{
    using Microsoft.Build.Framework;
    using Microsoft.Build.Utilities;

    /// <summary>
    /// MSBuild task: for each file in <see cref="Files"/>, set VER_FLG_WEAK on its needed version
    /// <see cref="VersionName"/> when the system libstdc++ does not define that version
    /// (<see cref="Mode"/> "auto"), always ("always"), or never ("never").
    /// </summary>
    public class ElfWeakVersionTask : Task
    {
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        [Required]
        public string VersionName { get; set; } = "";

        public string Mode { get; set; } = "auto";

        public override bool Execute()
        {
            if (Files.Length == 0)
                return true;

            string mode = (Mode ?? "auto").Trim().ToLowerInvariant();
            if (mode == "never")
            {
                Log.LogMessage(MessageImportance.Normal, $"ElfWeakVersion: disabled (mode 'never'); {VersionName} left as required.");
                return true;
            }
            if (mode != "auto" && mode != "always")
            {
                Log.LogError($"ElfWeakVersion: unknown mode '{Mode}' (expected auto, always or never).");
                return false;
            }

            string reason;
            if (mode == "always")
            {
                reason = "mode 'always'";
            }
            else
            {
                string? libstdcxx = ElfVersionPatcher.FindSystemLibStdCxx();
                if (libstdcxx == null)
                {
                    Log.LogMessage(MessageImportance.Normal,
                        $"ElfWeakVersion: no system libstdc++.so.6 found (not Linux?); {VersionName} left as required.");
                    return true;
                }
                bool defined;
                try
                {
                    defined = ElfVersionPatcher.DefinesVersion(libstdcxx, VersionName);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    Log.LogError($"ElfWeakVersion: cannot read {libstdcxx}: {ex.Message}");
                    return false;
                }
                if (defined)
                {
                    Log.LogMessage(MessageImportance.Normal,
                        $"ElfWeakVersion: {libstdcxx} defines {VersionName}; nothing to patch.");
                    return true;
                }
                reason = $"{libstdcxx} lacks it";
            }

            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path))
                {
                    Log.LogError($"ElfWeakVersion: {path} does not exist.");
                    return false;
                }
                try
                {
                    switch (ElfVersionPatcher.MakeVersionWeak(path, VersionName))
                    {
                        case ElfPatchResult.Patched:
                            Log.LogMessage(MessageImportance.High,
                                $"ElfWeakVersion: marked {VersionName} weak in {path} ({reason}).");
                            break;
                        case ElfPatchResult.AlreadyWeak:
                            Log.LogMessage(MessageImportance.Normal,
                                $"ElfWeakVersion: {VersionName} already weak in {path}; nothing to do.");
                            break;
                        default:
                            Log.LogMessage(MessageImportance.Normal,
                                $"ElfWeakVersion: {path} does not require {VersionName}; nothing to do.");
                            break;
                    }
                }
                catch (ElfFormatException ex)
                {
                    Log.LogError($"ElfWeakVersion: unexpected ELF structure: {ex.Message}");
                    return false;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    Log.LogError($"ElfWeakVersion: cannot patch {path}: {ex.Message}");
                    return false;
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
}
#endif
