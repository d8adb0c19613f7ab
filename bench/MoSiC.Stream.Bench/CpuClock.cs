using System.Globalization;

namespace MoSiC.Stream.Bench;

/// <summary>
/// CPU seconds (user + system) this process and its reaped children (ffmpeg, ffprobe) have used, from /proc/self/stat:
/// what a stage alone costs in cores, beside what it takes in wall time.
/// </summary>
internal static class CpuClock
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static double Seconds()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command (which may hold spaces) start after the last ')'; utime is field 14.
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int n) => double.Parse(f[n - 3], CultureInfo.InvariantCulture);
        return (Field(14) + Field(15) + Field(16) + Field(17)) / TicksPerSecond;
    }
}
