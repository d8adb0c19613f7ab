namespace MoSiC.Stream.Stages;
