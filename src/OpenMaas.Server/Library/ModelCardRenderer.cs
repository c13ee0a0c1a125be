using Ganss.Xss;
using Markdig;

namespace OpenMaas.Server.Library;

/// <summary>Model cards are Markdown written by whoever uploads a model: rendered with Markdig, then cleaned by
/// HtmlSanitizer (no scripts, event handlers, <c>javascript:</c> links or unknown tags) so the console can show the
/// HTML as it is.</summary>
internal sealed class ModelCardRenderer
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables().UseAutoLinks().UseEmphasisExtras().UseTaskLists().Build();

    // One configured instance: Sanitize parses each input with a fresh parser, so sharing it across requests is safe.
    // class stays for code highlighting (language-xxx); id does not (DOM clobbering), so headings get no anchors.
    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("class");
        return sanitizer;
    }

    public string? ToHtml(string? markdown) => markdown is null ? null : _sanitizer.Sanitize(Markdown.ToHtml(markdown, _pipeline));
}
