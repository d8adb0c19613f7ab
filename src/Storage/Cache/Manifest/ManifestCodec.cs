using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MoSiC.Stream.Storage.Cache.Manifest;

/// <summary>
/// An entry on disk: <c>{"checksum": "&lt;sha-256 hex&gt;", "body": {…}}</c>, the checksum taken over the body's exact
/// UTF-8 text. A torn or bit-rotted entry fails to parse or fails its checksum and is ignored, as if never written.
/// </summary>
internal static class ManifestCodec
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static byte[] Encode(ManifestBody body)
    {
        string text = JsonSerializer.Serialize(body, Json);
        string checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return Encoding.UTF8.GetBytes($"{{\n\"checksum\": \"{checksum}\",\n\"body\": {text}\n}}\n");
    }

    /// <summary>The body, or null with <paramref name="why"/> when the bytes are not a complete, intact entry.</summary>
    public static ManifestBody? TryDecode(ReadOnlySpan<byte> bytes, out string why)
    {
        // System.Text.Json checks a string's UTF-8 only when it is read as text: a forged body with a bad byte would
        // otherwise throw from GetRawText below rather than fail here.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            why = "not UTF-8 text";
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes.ToArray());
            if (!doc.RootElement.TryGetProperty("checksum", out JsonElement checksum) || checksum.ValueKind != JsonValueKind.String ||
                !doc.RootElement.TryGetProperty("body", out JsonElement body))
            {
                why = "no checksum or body";
                return null;
            }

            // GetRawText is the body's text exactly as written, so the hash sees the writer's bytes.
            string actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body.GetRawText())));
            if (actual != checksum.GetString())
            {
                why = $"checksum mismatch (body hashes to {actual[..12]}…, entry says {checksum.GetString()})";
                return null;
            }

            ManifestBody? parsed = body.Deserialize<ManifestBody>(Json);
            if (parsed is null || parsed.Format != ManifestBody.CurrentFormat || parsed.Parts is null || parsed.Gaps is null || parsed.Gaps.Any(g => g is null)
                || parsed.Parts.Any(p => p is null || p.Partition is null || p.File is null || p.Sha256 is null || p.Rows < 0 || p.Bytes < 0
                    || p.Clips is null || p.Clips.Any(c => c?.Key is null || c.Video is null))
                || (parsed.Videos ?? []).Any(v => v?.Video?.Clips is null || v.Video.VideoHash is null || v.Partition is null))
            {
                why = $"not a {ManifestBody.CurrentFormat} entry (a field is missing, null or negative)";
                return null;
            }

            why = "";
            return parsed;
        }
        catch (JsonException e)
        {
            why = $"not valid JSON ({e.Message})";
            return null;
        }
    }
}
