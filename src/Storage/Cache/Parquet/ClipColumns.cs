using Parquet.Schema;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// The Parquet schema of a part: one row per clip, the per-clip fields as scalars and its (T), (N) and (T, N) arrays
/// as list columns (frame-major for (T, N)). Names are snake_case for SQL users. The partition column (<c>tracker</c>)
/// is not stored: Hive readers take it from the folder name.
/// </summary>
internal static class ClipColumns
{
    public static readonly DataField<string> ClipKey = new("clip_key", false);
    public static readonly DataField<string> VideoHash = new("video_hash", false);
    public static readonly DataField<string> VideoPath = new("video_path", false);
    public static readonly DataField<int> ClipIndex = new("clip_index");
    public static readonly ListField FrameIndices = List<int>("frame_indices");
    public static readonly ListField TimestampsSeconds = List<double>("timestamps_seconds");
    public static readonly DataField<int> Width = new("width");
    public static readonly DataField<int> Height = new("height");
    public static readonly DataField<int> Frames = new("frames");
    public static readonly DataField<int> Points = new("points");
    public static readonly ListField QueryFrame = List<int>("query_frame");
    public static readonly ListField QueryX = List<float>("query_x");
    public static readonly ListField QueryY = List<float>("query_y");
    public static readonly ListField X = List<float>("x");
    public static readonly ListField Y = List<float>("y");
    public static readonly ListField Visible = List<bool>("visible");

    /// <summary>Null (the list itself, not its elements) when the tracker has no confidence.</summary>
    public static readonly ListField Confidence = List<float>("confidence");

    /// <summary>Format 2 on: <see cref="RowChecksum"/> of the row's decoded fields.</summary>
    public static readonly DataField<long> Checksum = new("row_checksum");

    public static readonly ParquetSchema Schema = new(
        ClipKey, VideoHash, VideoPath, ClipIndex, FrameIndices, TimestampsSeconds, Width, Height, Frames, Points,
        QueryFrame, QueryX, QueryY, X, Y, Visible, Confidence, Checksum);

    /// <summary>Footer key-value metadata: the layout version, so a reader can tell old parts apart.</summary>
    public const string FormatKey = "mosic.cache.format";

    /// <summary>What parts are written as: format 2 adds <see cref="Checksum"/>.</summary>
    public const string FormatValue = "clip-rows/2";

    /// <summary>Parts written before the row checksum (no <see cref="Checksum"/> column): still read, unchecked.</summary>
    public const string FormatWithoutChecksum = "clip-rows/1";

    /// <summary>Footer key-value metadata: the canonical text of the part's track set.</summary>
    public const string TrackSetKey = "mosic.cache.track_set";

    /// <summary>The element field of a list column (where its values, levels and statistics live).</summary>
    public static DataField Item(ListField list) => (DataField)list.Item;

    // Lists are optional groups of required elements: an absent list (confidence) is a null row, never a null element.
    private static ListField List<T>(string name) => new(name, new DataField<T>("element", false));
}
