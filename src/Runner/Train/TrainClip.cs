using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Runner.Train;

/// <summary>A cached clip with the corpus video it came from.</summary>
internal sealed record TrainClip(CachedClip Tracks, VideoSource Video);
