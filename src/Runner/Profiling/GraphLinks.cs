namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// Which stage feeds which, read from buffer names (<c>from→to</c>, or <c>from->to</c>). When a stage has no named
/// buffer on a side, its neighbour in graph order stands in, since stages are registered in graph order.
/// </summary>
internal sealed class GraphLinks
{
    private readonly IReadOnlyList<string> _stages;
    private readonly List<(string Queue, string From, string To)> _edges = [];

    public GraphLinks(IReadOnlyList<string> stages, IEnumerable<string> queues)
    {
        _stages = stages;
        foreach (string queue in queues)
        {
            string[] parts = queue.Split(["→", "->"], 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2) _edges.Add((queue, parts[0], parts[1]));
        }
    }

    /// <summary>The buffer feeding <paramref name="stage"/>, if named so.</summary>
    public string? InputQueue(string stage) => _edges.Where(e => e.To == stage).Select(e => (string?)e.Queue).FirstOrDefault();

    /// <summary>The stage feeding <paramref name="stage"/>.</summary>
    public string? Upstream(string stage) => _edges.Where(e => e.To == stage).Select(e => (string?)e.From).FirstOrDefault() ?? Neighbour(stage, -1);

    /// <summary>The stage <paramref name="stage"/> feeds.</summary>
    public string? Downstream(string stage) => _edges.Where(e => e.From == stage).Select(e => (string?)e.To).FirstOrDefault() ?? Neighbour(stage, +1);

    private string? Neighbour(string stage, int step)
    {
        int i = -1;
        for (int k = 0; k < _stages.Count; k++)
            if (_stages[k] == stage) i = k;
        int j = i + step;
        return i >= 0 && j >= 0 && j < _stages.Count ? _stages[j] : null;
    }
}
