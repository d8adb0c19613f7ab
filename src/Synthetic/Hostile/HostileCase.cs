namespace MoSiC.Stream.Synthetic.Hostile;

/// <summary>
/// One input of the hostile corpus and what a correct pipeline does with it: decode it (<see cref="Decodes"/>), or
/// record a failure in <see cref="Stage"/> whose reason contains <see cref="Reason"/>.
/// </summary>
/// <param name="Name">Short name of the case.</param>
/// <param name="Path">Path relative to the corpus folder (a file, or a frame folder).</param>
/// <param name="Tests">What the case exercises.</param>
/// <param name="Decodes">Whether it must come out as a decoded video with clips.</param>
/// <param name="Stage">The failure record's stage when it must fail.</param>
/// <param name="Reason">Text the failure record's reason must contain.</param>
public sealed record HostileCase(string Name, string Path, string Tests, bool Decodes, string? Stage = null, string? Reason = null);
