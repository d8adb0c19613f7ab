using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>Where tracked trajectories are kept between runs.</summary>
public sealed record CacheOptions
{
    [Description("Cache folder (Hive-style Parquet partitions and manifests).")]
    public string Dir { get; init; } = ".mosic/cache";

    internal void Validate(OptionErrors e, string path) =>
        e.Require(!string.IsNullOrWhiteSpace(Dir), OptionErrors.Join(path, "dir"), "must not be empty");
}
