using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Synthetic;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>
/// One DAVIS / YouTube-VOS style sequence: frames in <see cref="FramesDir"/> (*.jpg) and masks of the same stem in
/// <see cref="MasksDir"/> (*.png); or, when <see cref="VideoFile"/> is set (a synthetic corpus), frames decoded from that
/// video and masks named by frame index (<c>00000.png</c> is the first frame). Only frames that have a mask are evaluated.
/// </summary>
public sealed record VideoSegmentationClip(string Name, string FramesDir, string MasksDir, string? VideoFile = null)
{
    /// <summary>
    /// A sequence folder holding <c>JPEGImages/</c> and <c>Annotations/</c> directly (our shared real clips), or a dataset
    /// root holding <c>JPEGImages/&lt;seq&gt;/</c> and <c>Annotations/&lt;seq&gt;/</c> (DAVIS, YouTube-VOS): one clip per sequence.
    /// </summary>
    /// <remarks>A folder holding <c>corpus.json</c> is a synthetic corpus: one clip per video, its mp4 and its palette masks.</remarks>
    public static IReadOnlyList<VideoSegmentationClip> Discover(string root)
    {
        if (File.Exists(Path.Combine(root, SyntheticCorpus.ManifestFileName))) return DiscoverSynthetic(root);
        string frames = Path.Combine(root, "JPEGImages"), masks = Path.Combine(root, "Annotations");
        if (!Directory.Exists(frames) || !Directory.Exists(masks))
            throw new DirectoryNotFoundException($"{root} has no JPEGImages/ and Annotations/ folders.");
        if (Directory.EnumerateFiles(frames, "*.jpg").Any())
            return [new VideoSegmentationClip(Path.GetFileName(Path.GetFullPath(root).TrimEnd('/')), frames, masks)];
        return Directory.EnumerateDirectories(frames).Order(StringComparer.Ordinal)
            .Select(d => new VideoSegmentationClip(Path.GetFileName(d), d, Path.Combine(masks, Path.GetFileName(d))))
            .Where(c => Directory.Exists(c.MasksDir)).ToArray();
    }

    private static VideoSegmentationClip[] DiscoverSynthetic(string root)
    {
        var manifest = SyntheticCorpus.ReadManifest(root);
        static string Resolve(string root, string relative) => Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
        return manifest.Videos.Select(v =>
        {
            string video = Resolve(root, v.File), masks = Resolve(root, v.Annotations);
            if (!File.Exists(video) || !Directory.Exists(masks))
                throw new FileNotFoundException($"{root}: corpus.json lists {v.Name} but {v.File} or {v.Annotations} is missing.");
            return new VideoSegmentationClip(v.Name, Path.GetDirectoryName(video)!, masks, video);
        }).ToArray();
    }

    /// <summary>
    /// Frame stems with both a frame and a mask, in ordinal order: with <see cref="FrameSampling.First"/> every
    /// <paramref name="stride"/>-th from the start, at most <paramref name="maxFrames"/>; with
    /// <see cref="FrameSampling.Random"/> (TimeT's UNIFORM mode) <paramref name="maxFrames"/> distinct ones drawn at random
    /// (seeded by <paramref name="seed"/> and the clip's name), sorted.
    /// </summary>
    public IReadOnlyList<string> SelectFrames(int maxFrames, int stride, FrameSampling sampling = FrameSampling.First, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var masks = Directory.EnumerateFiles(MasksDir, "*.png").Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal);
        string[] annotated = VideoFile is not null
            ? [.. masks.Where(s => FrameIndex(s) >= 0).Order(StringComparer.Ordinal)]
            : [.. Directory.EnumerateFiles(FramesDir, "*.jpg").Select(Path.GetFileNameWithoutExtension).OfType<string>().Where(masks.Contains).Order(StringComparer.Ordinal)];
        if (sampling == FrameSampling.First) return [.. annotated.Where((_, i) => i % stride == 0).Take(maxFrames)];
        var random = new Random(unchecked((int)(seed * 0x9E3779B97F4A7C15 ^ StableHash(Name))));
        int[] picked = [.. Enumerable.Range(0, annotated.Length)];
        random.Shuffle(picked);
        return [.. picked.Take(maxFrames).Order().Select(i => annotated[i])];
    }

    // FNV-1a of the name: the same clip draws the same frames in every process (string.GetHashCode is randomised).
    private static ulong StableHash(string text)
    {
        ulong h = 0xCBF29CE484222325;
        foreach (char c in text) h = (h ^ c) * 0x100000001B3;
        return h;
    }

    /// <summary>Reads the masks of <paramref name="stems"/>.</summary>
    public LabelMap[] ReadMasks(IReadOnlyList<string> stems) =>
        stems.Select(s => MaskReader.Read(Path.Combine(MasksDir, s + ".png"))).ToArray();

    /// <summary>Decodes <paramref name="stems"/> stretched to size×size and normalises them: (T, 3, size, size) float32.</summary>
    public async Task<Tensor> LoadFramesAsync(IReadOnlyList<string> stems, int size, CancellationToken ct)
    {
        byte[][] rgb = await DecodeAsync(stems, size, size, ct).ConfigureAwait(false);
        int t = stems.Count;
        var bytes = new byte[t * size * size * 3];
        for (int i = 0; i < t; i++) rgb[i].CopyTo(bytes.AsSpan(i * size * size * 3));
        using var scope = NewDisposeScope();
        Tensor x = tensor(bytes, new long[] { t, size, size, 3 }).permute(0, 3, 1, 2).to(ScalarType.Float32).div(255);
        Tensor mean = tensor(FeatureNormalisation.Mean).reshape(1, 3, 1, 1), std = tensor(FeatureNormalisation.Std).reshape(1, 3, 1, 1);
        return x.sub(mean).div(std).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The frames of <paramref name="stems"/> as pictures of <paramref name="width"/>×<paramref name="height"/> (for overlays); the caller disposes them.</summary>
    public async Task<Image<Rgb24>[]> LoadPicturesAsync(IReadOnlyList<string> stems, int width, int height, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stems);
        if (VideoFile is not null)
        {
            byte[][] rgb = await DecodeAsync(stems, width, height, ct).ConfigureAwait(false);
            return rgb.Select(b => Image.LoadPixelData<Rgb24>(b, width, height)).ToArray();
        }
        return stems.Select(s =>
        {
            var picture = Image.Load<Rgb24>(Path.Combine(FramesDir, s + ".jpg"));
            if (picture.Width != width || picture.Height != height) picture.Mutate(x => x.Resize(width, height));
            return picture;
        }).ToArray();
    }

    /// <summary>RGB24 pixels of <paramref name="stems"/>, stretched to width×height, in the order of <paramref name="stems"/>.</summary>
    private async Task<byte[][]> DecodeAsync(IReadOnlyList<string> stems, int width, int height, CancellationToken ct)
    {
        var options = new DecodeOptions { Resize = Core.Options.ResizeMode.Stretch, Width = width, Height = height };
        if (VideoFile is null)
        {
            var source = VideoSource.FromFrames(FramesDir, stems.Select(s => Path.Combine(FramesDir, s + ".jpg")));
            using var frames = await DecodedVideo.LoadAsync(source, options, stems.Count, 1, ct).ConfigureAwait(false);
            if (frames.Frames.Count != stems.Count) throw new InvalidDataException($"{Name}: decoded {frames.Frames.Count} of {stems.Count} frames.");
            return frames.Frames.Select(f => f.Rgb.ToArray()).ToArray();
        }
        int[] indices = stems.Select(FrameIndex).ToArray();
        // The video is decoded from its start up to the last frame wanted: synthetic clips are short, and seeking
        // by timestamp could land one frame off the mask's index.
        using var video = await DecodedVideo.LoadAsync(VideoSource.FromFile(VideoFile), options, indices.Max() + 1, 1, ct).ConfigureAwait(false);
        if (video.Frames.Count <= indices.Max())
            throw new InvalidDataException($"{Name}: {VideoFile} has {video.Frames.Count} frames, a mask names frame {indices.Max()}.");
        return indices.Select(i => video.Frames[i].Rgb.ToArray()).ToArray();
    }

    private static int FrameIndex(string stem) =>
        int.TryParse(stem, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i) ? i : -1;
}

/// <summary>Which annotated frames of a clip are evaluated.</summary>
public enum FrameSampling
{
    /// <summary>Every stride-th from the first, at most N (ours; deterministic, early frames only).</summary>
    First,

    /// <summary>N distinct frames at random over the whole clip, sorted (TimeT's UNIFORM sampling, 4 frames by default).</summary>
    Random,
}

/// <summary>The ImageNet normalisation DINOv2 and MoSiC evaluate with.</summary>
public static class FeatureNormalisation
{
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>Frozen patch tokens of <paramref name="frames"/> (T, 3, H, W) in eval mode without gradients, in batches: (T, rows·cols, D).</summary>
    public static Tensor PatchFeatures(DinoVisionTransformer model, Tensor frames, int batch = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(frames);
        model.eval();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        using var scope = NewDisposeScope();
        for (long at = 0; at < frames.shape[0]; at += batch)
        {
            using var f = model.forward(frames.narrow(0, at, Math.Min(batch, frames.shape[0] - at)));
            parts.Add(f.PatchTokens.detach().clone());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}
