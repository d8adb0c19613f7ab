namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>Which part of the graph a command runs.</summary>
public enum RunMode
{
    /// <summary>Everything: decode, track what is not cached, write, train on the stream and then on the cache.</summary>
    Run,

    /// <summary>Precompute: decode, track what is not cached, write; no training.</summary>
    Track,

    /// <summary>Cached tracks only: decode feeds pixels, the tracker is never built.</summary>
    Train,
}
