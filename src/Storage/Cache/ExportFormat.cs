namespace MoSiC.Stream.Storage.Cache;

/// <summary>Text formats of <see cref="TrajectoryCache.ExportAsync"/>.</summary>
public enum ExportFormat
{
    /// <summary>One line per point-frame: clip_index, frame_index, point, x, y, visible, confidence.</summary>
    Csv,

    /// <summary>One JSON object per clip, every array in full, in a JSON array.</summary>
    Json,
}
