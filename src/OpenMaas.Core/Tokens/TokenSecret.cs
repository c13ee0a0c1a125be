using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OpenMaas.Core.Tokens;

/// <summary>Access token text: <c>ms-</c> followed by 192 random bits in base64url (32 characters). Being random,
/// a fast hash (SHA-256) is the right way to store it; passwords use a slow KDF instead.</summary>
public static class TokenSecret
{
    public const string Scheme = "ms-";
    private const int RandomBytes = 24;
    private const int DisplayChars = 8;

    public static int Length { get; } = Scheme.Length + Base64Url.GetEncodedLength(RandomBytes);

    public static string Generate() => Scheme + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>True when the text has the shape of a token (scheme, length, alphabet); says nothing about validity.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> text) =>
        text.Length == Length && text.StartsWith(Scheme, StringComparison.Ordinal) && Base64Url.IsValid(text[Scheme.Length..]);

    public static byte[] Hash(ReadOnlySpan<char> text)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var written = Encoding.UTF8.GetBytes(text, utf8);
        return SHA256.HashData(utf8[..written]);
    }

    public static string Prefix(string text) => text[..(Scheme.Length + DisplayChars)];
}
