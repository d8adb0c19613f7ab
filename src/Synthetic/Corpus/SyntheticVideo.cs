using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Synthetic;

/// <summary>
/// One synthetic clip in memory: renders any frame (RGB24 plus label mask) and its ground-truth
/// tracks, exactly as the corpus files hold them. Deterministic for (options, index).
/// </summary>
public sealed class SyntheticVideo
{
    private const int SceneStream = 0;
    private const int TrackStream = 1;

    private readonly SyntheticScene _scene;
    private readonly int _trackPoints;
    private readonly int _trackSeed;

    private SyntheticVideo(SynthOptions options, int index)
    {
        Index = index;
        Name = CorpusLayout.VideoName(index);
        Fps = options.Fps;
        Seed = SeedDerivation.Derive(options.Seed, index);
        _trackPoints = options.TrackPoints;
        // Tracks draw from their own stream, so asking for more points leaves the pixels unchanged.
        _trackSeed = SeedDerivation.Derive(Seed, TrackStream);
        _scene = SceneBuilder.Build(options, new Random(SeedDerivation.Derive(Seed, SceneStream)));
    }

    /// <summary>Builds video <paramref name="index"/> of the corpus described by <paramref name="options"/>.</summary>
    public static SyntheticVideo Create(SynthOptions options, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        if (index < 0 || index >= options.Videos)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"video index must be in [0, synth.videos={options.Videos})");
        }

        return new SyntheticVideo(options, index);
    }

    public int Index { get; }

    /// <summary>Name used for every file of this video, e.g. synth-0000.</summary>
    public string Name { get; }

    /// <summary>Seed derived for this video from the master seed.</summary>
    public int Seed { get; }

    public int Fps { get; }

    public int Width => _scene.Width;

    public int Height => _scene.Height;

    public int Frames => _scene.Frames;

    /// <summary>Number of objects; their mask labels are 1..ObjectCount.</summary>
    public int ObjectCount => _scene.Objects.Count;

    /// <summary>
    /// Renders <paramref name="frame"/> into <paramref name="rgb"/> (Width*Height*3 bytes, RGB24 row-major)
    /// and <paramref name="labels"/> (Width*Height bytes: 0 = background, k = object k).
    /// </summary>
    public void RenderFrame(int frame, Span<byte> rgb, Span<byte> labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, Frames);
        FrameRenderer.Render(_scene, frame, rgb, labels);
    }

    /// <summary>The scene every frame is rendered from.</summary>
    internal SyntheticScene Scene => _scene;

    /// <summary>Ground-truth point tracks for this video.</summary>
    public SyntheticTracks CreateTracks() =>
        TrackSampler.Sample(_scene, Name, Fps, _trackPoints, new Random(_trackSeed));
}
