namespace MoSiC.Stream.Graph.Decode;

/// <summary>What one clip of a video's plan needs in this run.</summary>
internal enum ClipNeed
{
    /// <summary>Cached, and nothing trains on it now: counted, never decoded.</summary>
    Found,

    /// <summary>Cached: decoded for the trainer, which gets it with its cached tracks.</summary>
    Train,

    /// <summary>Cached, and trained on in this epoch before a resume: never decoded, its place in the order kept.</summary>
    Trained,

    /// <summary>Not cached: decoded and tracked.</summary>
    Track,

    /// <summary>Not cached, and this run does not track (train mode): left out and counted.</summary>
    Uncached,

    /// <summary>Not cached, and another run on the same cache holds the video's claim: left to it.</summary>
    Elsewhere,
}
