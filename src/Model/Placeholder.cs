namespace MoSiC.Stream.Model;
