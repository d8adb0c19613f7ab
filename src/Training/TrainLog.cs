using System.Globalization;
using MoSiC.Stream.Model.Train;

namespace MoSiC.Stream.Training;

/// <summary>
/// The per-step CSV (<c>step,epoch,loss,lr,label_entropy,prototypes_used,seconds,label_consistency,data_digest</c>;
/// the digest fingerprints the batch's clips, crops and frame-0 points, see <see cref="BuiltBatch.Digest"/>). On resume, rows past the
/// checkpoint's step (steps that will be redone) are dropped first, so the log never holds a step twice.
/// </summary>
internal sealed class TrainLog : IDisposable
{
    public const string Header = "step,epoch,loss,lr,label_entropy,prototypes_used,seconds,label_consistency,data_digest";
    private readonly StreamWriter _writer;

    public TrainLog(string path, long resumedStep)
    {
        Path = path;
        var kept = File.Exists(path)
            ? File.ReadAllLines(path).Skip(1).Where(l => long.TryParse(l.Split(',')[0], CultureInfo.InvariantCulture, out long s) && s <= resumedStep).ToList()
            : [];
        File.WriteAllLines(path, kept.Prepend(Header));
        _writer = new StreamWriter(path, append: true);
    }

    public string Path { get; }

    public void Append(TrainStepResult r, int epoch, double seconds, string digest)
    {
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Step},{epoch},{r.Loss:R},{r.LearningRateHead:R},{r.LabelEntropy:R},{r.PrototypesUsed},{seconds:F3},{r.LabelConsistency:R},{digest}"));
        // Flushed every step: a killed run keeps its log up to the last finished step.
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();
}
