using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train;

/// <summary>The momentum teacher: θt ← m·θt + (1−m)·θs, parameter by parameter, outside autograd.</summary>
public static class EmaTeacher
{
    /// <summary>Makes <paramref name="teacher"/> an exact copy of <paramref name="student"/> (the start of training).</summary>
    /// <param name="teacher">Module to overwrite; its parameters are set to not require gradients.</param>
    /// <param name="student">Source module of the same architecture.</param>
    public static void CopyFrom(nn.Module teacher, nn.Module student)
    {
        using var noGrad = no_grad();
        foreach (var (t, s) in Pairs(teacher, student))
        {
            t.copy_(s);
            t.requires_grad = false;
        }
    }

    /// <summary>One EMA update of every parameter of <paramref name="teacher"/> towards <paramref name="student"/>.</summary>
    /// <param name="teacher">EMA module.</param>
    /// <param name="student">Trained module of the same architecture.</param>
    /// <param name="momentum">m in [0, 1]; 1 keeps the teacher, 0 copies the student.</param>
    /// <remarks>Frozen student parameters are updated too; they equal the teacher's, so nothing changes (the reference zips all parameters the same way).</remarks>
    public static void Update(nn.Module teacher, nn.Module student, double momentum)
    {
        using var noGrad = no_grad();
        foreach (var (t, s) in Pairs(teacher, student))
            t.mul_(momentum).add_(s, alpha: 1 - momentum);
    }

    private static IEnumerable<(Tensor Teacher, Tensor Student)> Pairs(nn.Module teacher, nn.Module student)
    {
        var tp = teacher.named_parameters().ToList();
        var sp = student.named_parameters().ToList();
        if (tp.Count != sp.Count) throw new ArgumentException($"teacher has {tp.Count} parameters, student {sp.Count}");
        for (int i = 0; i < tp.Count; i++)
        {
            if (tp[i].name != sp[i].name || !tp[i].parameter.shape.SequenceEqual(sp[i].parameter.shape))
                throw new ArgumentException($"teacher parameter '{tp[i].name}' does not match student parameter '{sp[i].name}'");
            yield return (tp[i].parameter, sp[i].parameter);
        }
    }
}
