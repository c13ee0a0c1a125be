namespace OpenMaas.Inference.Abstractions;

/// <summary>One typed part of a message's content.</summary>
public abstract record ContentPart
{
    private ContentPart()
    {
    }

    /// <summary>What the part is, in OpenAI's spelling (<c>text</c>, <c>image_url</c>, <c>input_audio</c>, …).</summary>
    public abstract string Kind { get; }

    /// <summary>Text.</summary>
    public sealed record Text(string Value) : ContentPart
    {
        /// <inheritdoc/>
        public override string Kind => "text";
    }

    /// <summary>An image by URL: <c>http(s)://…</c> or a <c>data:image/…;base64,…</c> URL.</summary>
    public sealed record Image(string Url, string? Detail = null) : ContentPart
    {
        /// <inheritdoc/>
        public override string Kind => "image_url";
    }

    /// <summary>Base64 audio with its format (<c>wav</c>, <c>mp3</c>).</summary>
    public sealed record Audio(string Data, string Format) : ContentPart
    {
        /// <inheritdoc/>
        public override string Kind => "input_audio";
    }

    /// <summary>A part of a kind OpenMaaS does not model (<c>video_url</c>, <c>file</c>): an engine may take it as sent
    /// (pass-through); a local model refuses it by name.</summary>
    public sealed record Other(string Type) : ContentPart
    {
        /// <inheritdoc/>
        public override string Kind => Type;
    }
}
