namespace MoSiC.Stream.Model.Train;

/// <summary>The parts of one <see cref="MosicTrainer.Step"/> that <see cref="StepTimings"/> times separately.</summary>
public enum TrainPhase
{
    /// <summary>Student and teacher ViT forward passes over every frame.</summary>
    BackboneForward,

    /// <summary>Bilinear sampling of patch features at the track points.</summary>
    TrackSampling,

    /// <summary>Prototype renormalisation, projection heads, prototype scores, Sinkhorn, the loss and label statistics.</summary>
    Objective,

    /// <summary>The whole backward pass; almost all of it is the student's trainable blocks.</summary>
    Backward,

    /// <summary>Zeroing gradients and the AdamW update.</summary>
    Optimizer,

    /// <summary>The teacher's EMA update.</summary>
    Ema,
}
