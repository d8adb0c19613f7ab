namespace MoSiC.Stream.Stages.Track;

/// <summary>
/// The trivial baseline "points do not move": every point stays at its query position and is visible on
/// every frame. Any tracker worth running must beat it; accuracy reports always print it alongside.
/// </summary>
public sealed class StaticTracker : IPointTracker
{
    public const string Name = "static";

    public TrackerIdentity Identity => TrackerId;

    /// <summary>The identity of every static tracker.</summary>
    public static TrackerIdentity TrackerId { get; } = new(Name, 1, []);

    public ValueTask<TrackResult> TrackAsync(ClipBatch batch, QuerySpec queries, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        TrackQuery[] q = queries.Resolve(batch.Width, batch.Height, batch.Frames);
        int cells = batch.Count * batch.Frames * q.Length;
        var positions = new float[cells * 2];
        for (int cell = 0; cell < cells; cell++)
        {
            TrackQuery query = q[cell % q.Length];
            positions[2 * cell] = query.X;
            positions[2 * cell + 1] = query.Y;
        }

        var visible = new bool[cells];
        Array.Fill(visible, true);
        return ValueTask.FromResult(new TrackResult(batch.Count, batch.Frames, q, positions, visible));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
