using System.Text.RegularExpressions;
using System.Xml.Linq;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Build;

/// <summary>
/// The layout docs/architecture.md promises, checked on the sources: which project may reference which, the CoTracker
/// adapter as the only door from Stages into Model, and no cycle between the folders of any project (a folder uses
/// another when its code names a type declared there).
/// </summary>
public sealed partial class LayoutTests
{
    private static readonly string Src = Path.Combine(RepoPaths.Root, "src");

    /// <summary>Each project and exactly the projects it may reference.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Core"] = [],
        ["Model"] = ["Core"],
        ["Storage"] = ["Core"],
        ["Stages"] = ["Core", "Model"],
        ["Synthetic"] = ["Core", "Stages"],
        ["Eval"] = ["Core", "Model", "Stages", "Synthetic"],
        ["Graph"] = ["Core", "Stages", "Storage"],
        ["Training"] = ["Core", "Model", "Storage", "Graph"],
        ["Runner"] = ["Core", "Model", "Stages", "Storage", "Synthetic", "Eval", "Graph", "Training"],
    };

    [Fact]
    public void Every_project_references_only_what_the_architecture_allows()
    {
        string[] projects = [.. Directory.GetDirectories(Src).Select(Path.GetFileName).OfType<string>().Where(p => File.Exists(Csproj(p))).Order()];
        Assert.Equal(Allowed.Keys.Order(), projects);
        foreach (string project in projects)
        {
            string[] references = [.. XDocument.Load(Csproj(project)).Descendants("ProjectReference")
                .Select(r => Path.GetFileName(Path.GetDirectoryName(r.Attribute("Include")!.Value.Replace('\\', '/'))!)).Order()];
            Assert.True(Allowed[project].Order().SequenceEqual(references),
                $"{project} references {string.Join(", ", references)}; allowed: {string.Join(", ", Allowed[project])}");
        }
    }

    [Fact]
    public void Only_the_CoTracker_adapter_reaches_from_Stages_into_Model()
    {
        string fence = Path.Combine(Src, "Stages", "Track", "CoTracker") + Path.DirectorySeparatorChar;
        string[] outside = [.. Sources(Path.Combine(Src, "Stages"))
            .Where(f => !f.StartsWith(fence, StringComparison.Ordinal) && Code(f).Contains("MoSiC.Stream.Model", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Src, f))];
        Assert.True(outside.Length == 0, "Stages code outside Track/CoTracker uses Model: " + string.Join(", ", outside));
    }

    [Fact]
    public void No_project_has_a_cycle_between_its_folders()
    {
        foreach (string project in Allowed.Keys)
        {
            var uses = FolderUses(Path.Combine(Src, project));
            Assert.True(uses.Count > 0, $"no sources found for {project}");
            if (FindCycle(uses) is { } cycle) Assert.Fail($"{project}: folders use each other: {string.Join(" → ", cycle)}");
        }
    }

    [Fact]
    public void The_cycle_check_finds_a_cycle()
    {
        var uses = new Dictionary<string, HashSet<string>> { ["a"] = ["b"], ["b"] = ["c"], ["c"] = ["a"], ["d"] = [] };
        Assert.Equal(["a", "b", "c", "a"], FindCycle(uses));
        uses["c"].Clear();
        Assert.Null(FindCycle(uses));
    }

    private static string Csproj(string project) => Path.Combine(Src, project, $"MoSiC.Stream.{project}.csproj");

    private static IEnumerable<string> Sources(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    // A project's top-level folders (files at its root form the folder "(root)") and the folders whose types each names.
    private static Dictionary<string, HashSet<string>> FolderUses(string projectDir)
    {
        string Folder(string file) => Path.GetRelativePath(projectDir, file).Split(Path.DirectorySeparatorChar) is [_] ? "(root)" : Path.GetRelativePath(projectDir, file).Split(Path.DirectorySeparatorChar)[0];
        var files = Sources(projectDir).ToArray();
        var declaredIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            foreach (Match m in Declaration().Matches(Code(file))) declaredIn.TryAdd(m.Groups[1].Value, Folder(file));
        }

        var uses = files.Select(Folder).Distinct().ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (string file in files)
        {
            string folder = Folder(file);
            foreach (Match m in TypeMention().Matches(Code(file)))
            {
                string name = m.Groups["created"].Success ? m.Groups["created"].Value : m.Groups["named"].Value;
                if (declaredIn.TryGetValue(name, out string? other) && other != folder) uses[folder].Add(other);
            }
        }

        return uses;
    }

    // Depth-first search; the first cycle found, as the path that closes it, or null.
    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> uses)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (string next in uses.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.Skip(path.IndexOf(next)), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle) return cycle;
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (string node in uses.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        }

        return null;
    }

    // The code of a file without comments and string literals, so a type named in a doc comment or a message is no use.
    private static string Code(string file) => Noise().Replace(File.ReadAllText(file), " ");

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex Noise();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum|delegate\s+\w+(?:<[^>]*>)?)\s+([A-Z]\w*)")]
    private static partial Regex Declaration();

    // A capitalised name that is not a member (after a dot) nor a method (before a parenthesis), or one after "new".
    [GeneratedRegex(@"\bnew\s+(?<created>[A-Z]\w*)|(?<![.\w])(?<named>[A-Z]\w*)\b(?!\s*\()")]
    private static partial Regex TypeMention();
}
