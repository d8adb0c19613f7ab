using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>
/// Seeded fuzzing of what a shared cache holds (issue #19, item 6): manifest entries, <c>_set.json</c> and parts,
/// mutated and (where a lying writer would) re-signed. Every case ends as problem records or an honest read, never
/// as an escaped exception, a wrong clip, a hang or a runaway allocation, and repair always leaves a clean cache.
/// </summary>
public sealed class CacheFuzzTests(ITestOutputHelper output)
{
    private static readonly CachedClip[] Clips = [Clip(Set, "a", 0), Clip(Set, "a", 1), Clip(Set, "b", 0, confidence: false)];

    // The clip a _set.json case writes after the mutation (an honest clip too, once written).
    private static readonly CachedClip Added = Clip(Set, "c", 0);

    /// <summary>A cache of two parts (a's clips, b's clip) in a fresh folder.</summary>
    private static async Task<(TempDir Dir, string Entry, string Part)> HonestAsync()
    {
        var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        await cache.WriteAsync(Set, Clips[..2], CancellationToken.None);
        string part = Assert.Single(Parts(cache, Set));
        await cache.WriteAsync(Set, Clips[2..], CancellationToken.None);
        string entry = Directory.GetFiles(Path.Combine(dir.Path, "_manifest")).Order().First();
        return (dir, entry, part);
    }

    /// <summary>Every reader and maintenance step, on a fresh instance; returns verify's problem kinds and checks what was read is honest.</summary>
    private static async Task<string> ExerciseAsync(string dir, params CachedClip[] written)
    {
        CachedClip[] honest = [.. Clips, .. written];
        var cache = TrajectoryCache.Open(dir, TestOptions);
        _ = cache.FinishedClips(Set);
        _ = cache.List();
        _ = cache.RecordedSamples();
        var skipped = new List<CacheProblem>();
        await foreach (CachedClip clip in cache.ReadAsync(Set, null, skipped.Add, CancellationToken.None))
            AssertSame(honest.Single(c => c.ClipKey == clip.ClipKey), clip); // never a changed clip
        VerifyReport report = await cache.VerifyAsync(repair: false, CancellationToken.None);
        await cache.VerifyAsync(repair: true, CancellationToken.None);
        VerifyReport after = await cache.VerifyAsync(repair: false, CancellationToken.None);
        Assert.True(after.Clean, $"after repair: {string.Join("; ", after.Problems)}");
        await cache.CollectAsync(new HashSet<string> { VideoHash("a") }, CancellationToken.None);
        return report.Clean ? "clean" : string.Join(",", report.Problems.Select(p => p.Kind.ToString()).Distinct().Order());
    }

    [Fact]
    public async Task Manifest_entries()
    {
        (TempDir template, string entry, _) = await HonestAsync();
        using (template)
        {
            byte[] honest = File.ReadAllBytes(entry);
            await Fuzz.RunAsync(output, "manifest entry", Fuzz.Cases(300), async (random, _) =>
            {
                using var dir = Copy(template.Path);
                // A third of the cases mutate the bytes; a third mutate the bytes and re-sign them, as anyone can; a third
                // replace one value of the body with a hostile one and re-sign (most byte mutations break the JSON, so
                // only these put the body's parser and the names in it on trial).
                byte[] bytes = random.Next(3) switch
                {
                    0 => Fuzz.Mutate(honest, random),
                    1 => Resign(Fuzz.Mutate(honest, random)),
                    _ => Resign(ReplaceValue(honest, random)),
                };
                File.WriteAllBytes(Path.Combine(dir.Path, "_manifest", Path.GetFileName(entry)), bytes);
                return await ExerciseAsync(dir.Path);
            });
        }
    }

    [Fact]
    public async Task Set_files()
    {
        (TempDir template, _, _) = await HonestAsync();
        using (template)
        {
            string setFile = Path.Combine("tracker=" + Set.Id, "_set.json");
            byte[] honest = File.ReadAllBytes(Path.Combine(template.Path, setFile));
            await Fuzz.RunAsync(output, "_set.json", Fuzz.Cases(200), async (random, _) =>
            {
                using var dir = Copy(template.Path);
                File.WriteAllBytes(Path.Combine(dir.Path, setFile), Fuzz.Mutate(honest, random));
                var cache = TrajectoryCache.Open(dir.Path, TestOptions);
                string outcome = cache.List().Single().Set is null ? "unreadable" : "read";
                try
                {
                    await cache.ExportAsync(null, VideoHash("a"), ExportFormat.Json, TextWriter.Null, CancellationToken.None);
                    await cache.WriteAsync(Set, [Added], CancellationToken.None);
                }
                catch (InvalidOperationException e) when (e.Message.Contains("_set.json", StringComparison.Ordinal))
                {
                    return $"{outcome}; {Fuzz.Label(e)}";
                }

                return $"{outcome}; {await ExerciseAsync(dir.Path, Added)}";
            });
        }
    }

    [Fact]
    public async Task Parts_re_signed_by_a_lying_writer()
    {
        (TempDir template, _, string part) = await HonestAsync();
        using (template)
        {
            byte[] honest = File.ReadAllBytes(part);
            string name = Path.GetFileName(part), partition = Path.GetFileName(Path.GetDirectoryName(part))!;
            await Fuzz.RunAsync(output, "part", Fuzz.Cases(300), async (random, _) =>
            {
                using var dir = Copy(template.Path);
                byte[] bytes = Fuzz.Mutate(honest, random);
                File.WriteAllBytes(Path.Combine(dir.Path, partition, name), bytes);
                ResignPart(dir.Path, name, bytes);
                return await ExerciseAsync(dir.Path);
            });
        }
    }

    private static TempDir Copy(string from)
    {
        var to = new TempDir();
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to.Path, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return to;
    }

    private static readonly System.Text.Json.Nodes.JsonNode?[] Hostile =
    [
        null, -1, 0, long.MaxValue, 1e300, true, "", "..", "../../etc/passwd", "/etc/passwd", "tracker=x/../..", "part-../x.parquet",
        new string('a', 100_000), "\u0000", new System.Text.Json.Nodes.JsonArray(), new System.Text.Json.Nodes.JsonObject(),
    ];

    // The honest entry with one value of its body (a leaf, an array or an object, anywhere) replaced by a hostile one.
    private static byte[] ReplaceValue(byte[] honest, Random random)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(honest)!;
        var nodes = new List<System.Text.Json.Nodes.JsonNode>();
        void Walk(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is null) return;
            nodes.Add(node);
            if (node is System.Text.Json.Nodes.JsonObject o) foreach (var (_, v) in o) Walk(v);
            if (node is System.Text.Json.Nodes.JsonArray a) foreach (var v in a) Walk(v);
        }

        Walk(root["body"]);
        System.Text.Json.Nodes.JsonNode target = nodes[random.Next(1, nodes.Count)];
        System.Text.Json.Nodes.JsonNode? value = Hostile[random.Next(Hostile.Length)]?.DeepClone();
        switch (target.Parent)
        {
            case System.Text.Json.Nodes.JsonObject o: o[target.GetPropertyName()] = value; break;
            case System.Text.Json.Nodes.JsonArray a: a[target.GetElementIndex()] = value; break;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    // A mutated entry with its checksum recomputed over its (mutated) body, when it still has one to recompute.
    private static byte[] Resign(byte[] bytes)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes);
            if (!doc.RootElement.TryGetProperty("body", out JsonElement body)) return bytes;
            string raw = body.GetRawText();
            string checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)));
            return Encoding.UTF8.GetBytes($"{{\n\"checksum\": \"{checksum}\",\n\"body\": {raw}\n}}\n");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or a body whose text is not UTF-8: nothing to re-sign, the entry goes as it is.
            return bytes;
        }
    }

    // The entry naming part `name` re-signed with the mutated bytes' size and SHA-256.
    private static void ResignPart(string dir, string name, byte[] bytes)
    {
        foreach (string entry in Directory.GetFiles(Path.Combine(dir, "_manifest")))
        {
            ManifestBody body = ManifestCodec.TryDecode(File.ReadAllBytes(entry), out _)!;
            if (body.Parts.All(p => p.File != name)) continue;
            PartRecord[] parts = body.Parts.Select(p => p.File == name ? p with { Bytes = bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) } : p).ToArray();
            File.WriteAllBytes(entry, ManifestCodec.Encode(body with { Parts = parts }));
        }
    }
}
