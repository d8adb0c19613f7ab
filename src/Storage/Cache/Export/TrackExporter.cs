using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoSiC.Stream.Storage.Cache.Export;

/// <summary>One video's tracks as text for people and quick scripts: CSV (a line per point-frame) or JSON (an object per clip).</summary>
internal static class TrackExporter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // LK keeps finite positions, but another tracker may not: say NaN rather than fail the export.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public const string CsvHeader = "clip_index,frame_index,point,x,y,visible,confidence";

    public static async Task WriteAsync(IEnumerable<CachedClip> clips, ExportFormat format, TextWriter output, CancellationToken ct)
    {
        if (format == ExportFormat.Csv) await output.WriteLineAsync(CsvHeader.AsMemory(), ct).ConfigureAwait(false);
        else await output.WriteLineAsync("[".AsMemory(), ct).ConfigureAwait(false);
        bool first = true;
        foreach (CachedClip clip in clips)
        {
            ct.ThrowIfCancellationRequested();
            if (format == ExportFormat.Csv)
            {
                await WriteCsvAsync(clip, output, ct).ConfigureAwait(false);
                continue;
            }

            if (!first) await output.WriteLineAsync(",".AsMemory(), ct).ConfigureAwait(false);
            await output.WriteAsync(JsonSerializer.Serialize(clip, Json).AsMemory(), ct).ConfigureAwait(false);
            first = false;
        }

        if (format == ExportFormat.Json) await output.WriteLineAsync("\n]".AsMemory(), ct).ConfigureAwait(false);
    }

    private static async Task WriteCsvAsync(CachedClip clip, TextWriter output, CancellationToken ct)
    {
        var line = new System.Text.StringBuilder();
        for (int t = 0; t < clip.Frames; t++)
        {
            line.Clear();
            for (int n = 0; n < clip.Points; n++)
            {
                int i = t * clip.Points + n;
                // Default float formatting is the shortest text that parses back to the same float, so the CSV is exact.
                line.Append(CultureInfo.InvariantCulture, $"{clip.ClipIndex},{clip.FrameIndices[t]},{n},{clip.X[i]},{clip.Y[i]},{(clip.Visible[i] ? 1 : 0)},{clip.Confidence?[i]}\n");
            }

            await output.WriteAsync(line, ct).ConfigureAwait(false);
        }
    }
}
