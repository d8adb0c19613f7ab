using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Stages.Sample;

namespace MoSiC.Stream.Graph.Decode;

/// <summary>
/// Cuts clips out of a stream of decoded frames: each frame is copied into every wanted clip that uses it (a padded
/// clip may use it more than once), and clips are handed out complete and in plan order. Memory holds the frames of
/// clips begun but not handed out, never the video.
/// </summary>
internal sealed class ClipAssembler : IDisposable
{
    private readonly IReadOnlyList<(int Index, ClipPlan Plan)> _clips;
    private readonly Dictionary<int, List<(int Slot, int Position)>> _uses = [];
    private readonly ClipPixels?[] _pixels;
    private readonly double[][] _times;
    private readonly int[] _missing;
    private int _next;

    /// <param name="clips">The wanted clips, in plan order.</param>
    public ClipAssembler(IReadOnlyList<(int Index, ClipPlan Plan)> clips)
    {
        _clips = clips;
        _pixels = new ClipPixels?[clips.Count];
        _times = new double[clips.Count][];
        _missing = new int[clips.Count];
        for (int slot = 0; slot < clips.Count; slot++)
        {
            IReadOnlyList<int> frames = clips[slot].Plan.FrameIndices;
            _times[slot] = new double[frames.Count];
            _missing[slot] = frames.Count;
            for (int position = 0; position < frames.Count; position++)
            {
                if (!_uses.TryGetValue(frames[position], out var uses)) _uses[frames[position]] = uses = [];
                uses.Add((slot, position));
            }
        }
    }

    /// <summary>Whether any wanted clip uses frame <paramref name="index"/>.</summary>
    public bool Wants(int index) => _uses.ContainsKey(index);

    /// <summary>Clips not yet handed out.</summary>
    public int Pending => _clips.Count - _next;

    /// <summary>
    /// Copies <paramref name="frame"/> into the clips that use it (the caller still owns and disposes the frame), then
    /// hands out every clip now complete whose earlier clips are out too, in plan order.
    /// </summary>
    public IReadOnlyList<(int Index, ClipPlan Plan, double[] Times, ClipPixels Pixels)> Add(VideoFrame frame)
    {
        if (_uses.Remove(frame.Index, out var uses))
        {
            foreach (var (slot, position) in uses)
            {
                ClipPixels pixels = _pixels[slot] ??= ClipPixels.Rent(frame.Width, frame.Height, _clips[slot].Plan.FrameIndices.Count);
                pixels.Fill(position, frame.Rgb.Span);
                _times[slot][position] = frame.Timestamp.TotalSeconds;
                _missing[slot]--;
            }
        }

        var ready = new List<(int, ClipPlan, double[], ClipPixels)>();
        while (_next < _clips.Count && _missing[_next] == 0)
        {
            ready.Add((_clips[_next].Index, _clips[_next].Plan, _times[_next], _pixels[_next]!));
            _pixels[_next] = null;
            _next++;
        }

        return ready;
    }

    /// <summary>Releases the frames of clips begun and never handed out.</summary>
    public void Dispose()
    {
        for (int i = 0; i < _pixels.Length; i++)
        {
            _pixels[i]?.Dispose();
            _pixels[i] = null;
        }
    }
}
