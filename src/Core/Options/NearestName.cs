namespace MoSiC.Stream.Core.Options;

/// <summary>"Did you mean": the known name closest to a mistyped one (edit distance, case ignored), for pipeline fields, enum values and CLI options.</summary>
public static class NearestName
{
    /// <summary>The candidate nearest <paramref name="typed"/>, or null when none is close enough to be a likely typo (at most a third of its letters off, and at least 1 or 2).</summary>
    public static string? Find(string typed, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        int limit = Math.Max(typed.Length <= 4 ? 1 : 2, typed.Length / 3);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int d = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance && d <= limit) (best, bestDistance) = (candidate, d);
        }

        return best;
    }

    /// <summary><c> (did you mean "X"?)</c>, or empty when nothing is close.</summary>
    public static string Hint(string typed, IEnumerable<string> candidates) =>
        Find(typed, candidates) is { } near ? $" (did you mean \"{near}\"?)" : "";

    // Optimal string alignment distance: Levenshtein plus one for swapping two neighbours (the commonest typo).
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }

        return d[a.Length, b.Length];
    }
}
