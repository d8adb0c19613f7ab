namespace MoSiC.Stream.Core;
