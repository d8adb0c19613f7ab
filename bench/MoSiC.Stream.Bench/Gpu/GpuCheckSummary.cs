using System.Globalization;
using System.Text;

namespace MoSiC.Stream.Bench.Gpu;

/// <summary>gpu-check.txt: the report in a few lines a person reads first (the JSON has everything).</summary>
internal static class GpuCheckSummary
{
    public static string Text(GpuReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        var e = r.Environment;
        string card = e.GpuName ?? (e.Device == "cpu" ? "CPU" : "unknown GPU");
        s.AppendLine(inv, $"mosic-bench gpu-check{(r.DryRun ? " --dry-run" : "")} on {card} ({e.Device}; driver {e.Driver ?? "-"}; {e.CpuCores} cores), " +
                          $"TorchSharp {e.TorchSharp}, route {r.Route ?? "-"}, started {r.Started}, finished {r.Finished ?? "(running)"}");
        foreach (var sec in r.Sections)
            s.AppendLine(inv, $"  {sec.Name,-9} {sec.Status,-7} {sec.Seconds,7:F1} s{(sec.Detail is null ? "" : "  " + sec.Detail)}");

        foreach (var m in r.Matmul)
            s.AppendLine(inv, $"matmul {m.Dtype}{(m.Tf32 ? " tf32" : "")} {m.N}³: {m.Tflops:0.0##} TFLOP/s [{card}]");

        if (r.Parity is { } p)
        {
            var gated = p.Checks.Where(c => c.Gate).ToList();
            s.AppendLine(inv, $"parity (TF32 off): {(p.Passed ? "PASSED" : "FAILED")}, {gated.Count(c => c.Passed)}/{gated.Count} gated checks within tolerance [{card} vs CPU]");
            foreach (var c in p.Checks.Where(c => !c.Passed || !c.Gate))
                s.AppendLine(inv, $"  {(c.Passed ? "ok  " : "OVER")} {c.Name}: {c.Kind} {c.Error:E2} (tolerance {c.Tolerance:E1}{(c.Gate ? "" : ", not gated")})");
            var worst = gated.Where(c => c.Tolerance > 0).OrderByDescending(c => c.Error / c.Tolerance).FirstOrDefault();
            if (worst is not null)
                s.AppendLine(inv, $"  closest to its tolerance: {worst.Name} {worst.Error:E2} of {worst.Tolerance:E1}");
        }

        if (r.Cotracker is { } ct)
        {
            s.AppendLine(inv, $"cotracker3-offline stage, {ct.Frames} frames {ct.Size}², grid {ct.Grid}×{ct.Grid}, median of {ct.Repeats} [{card}]:");
            foreach (var row in ct.Rows)
                s.AppendLine(inv, $"  batch {row.Batch,2}{(row.Tf32 ? " tf32" : "     ")}: {row.ClipsPerSecond,8:F2} clips/s ({row.SecondsMedian:F3} s/batch){(row.GpuMemoryUsedMib is { } mb ? $", device memory used {mb} MiB" : "")}");
            s.AppendLine(inv, $"  autocast: {ct.Autocast}");
        }

        if (r.Trainer is { } t)
        {
            s.AppendLine(inv, $"trainer {t.Model}, {t.Batch} clips × {t.Frames} frames at {t.Size}², {t.Points} points, {t.VitGflopPerStep:F0} GFLOP (ViT) per step [{card}]:");
            foreach (var row in t.Rows)
                s.AppendLine(inv, $"  {(row.Tf32 ? "tf32" : "fp32")}: {row.StepSecondsMedian:F3} s/step, {row.AchievedTflops:F1} TFLOP/s; MFU {Pct(row.MfuVsFp32)} of fp32, {Pct(row.MfuVsTf32)} of tf32, {Pct(row.MfuVsBf16)} of bf16 matmul");
        }

        if (r.Track is { } tr)
            s.AppendLine(inv, $"track end to end ({tr.Device}): {tr.Status}; {tr.ClipsTracked?.ToString(inv) ?? "-"} clips in {tr.Seconds?.ToString("F1", inv) ?? "-"} s, " +
                              $"track stage busy {Pct(tr.TrackBusyFraction)}{(tr.Bottleneck is null ? "" : "; " + tr.Bottleneck)}{(tr.Detail is null ? "" : "; " + tr.Detail)}");
        return s.ToString();
    }

    private static string Pct(double? f) => f is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "-";
}
