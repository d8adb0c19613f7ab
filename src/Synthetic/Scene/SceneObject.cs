namespace MoSiC.Stream.Synthetic;

/// <summary>One textured object: its mask label (1..K), its layer (higher covers lower), shape, texture and motion.</summary>
internal sealed record SceneObject(
    int Label,
    int Depth,
    IShape Shape,
    string TextureKind,
    TextureBitmap Texture,
    ObjectMotion Motion);
