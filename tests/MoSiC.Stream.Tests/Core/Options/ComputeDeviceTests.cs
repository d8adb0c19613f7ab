using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Tests.Core.Options;

/// <summary>runtime.device resolved once: "cpu" wins even on a GPU machine, "auto" follows the GPU, "cuda" needs one.</summary>
public sealed class ComputeDeviceTests
{
    [Theory]
    [InlineData("cpu", true, ComputeDevice.Cpu)]
    [InlineData("cpu", false, ComputeDevice.Cpu)]
    [InlineData("auto", true, ComputeDevice.Cuda)]
    [InlineData("auto", false, ComputeDevice.Cpu)]
    [InlineData("cuda", true, ComputeDevice.Cuda)]
    public void The_setting_and_the_machine_decide_the_device(string setting, bool gpu, ComputeDevice expected) =>
        Assert.Equal(expected, ComputeDevices.Resolve(setting, () => gpu));

    [Fact]
    public void Cpu_never_asks_whether_a_gpu_is_there()
    {
        // Asking loads LibTorch; a CPU run of a tracker that needs no LibTorch must not pay for it.
        Assert.Equal(ComputeDevice.Cpu, ComputeDevices.Resolve("cpu", () => throw new InvalidOperationException("asked")));
    }

    [Fact]
    public void Cuda_without_a_gpu_fails_naming_the_field()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ComputeDevices.Resolve("cuda", () => false));
        Assert.Contains("runtime.device", e.Message);
    }
}
