using MoSiC.Stream.Stages.Track.LucasKanade;

namespace MoSiC.Stream.Tests.Stages.Track;

public sealed class OpenCvRuntimeTests
{
    [Fact]
    public void The_OpenCV_runtime_loads_and_is_the_pinned_4_13()
    {
        Assert.StartsWith("4.13.", OpenCvRuntime.EnsureLoaded());
    }
}
