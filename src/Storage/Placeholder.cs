namespace MoSiC.Stream.Storage;
