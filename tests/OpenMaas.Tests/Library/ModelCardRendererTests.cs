using OpenMaas.Server.Library;

namespace OpenMaas.Tests.Library;

public sealed class ModelCardRendererTests
{
    private readonly ModelCardRenderer _renderer = new();

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>", "onerror")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>", "<iframe")]
    [InlineData("[x](javascript:alert(1))", "javascript:")]
    [InlineData("<a href=\"data:text/html,hi\">x</a>", "data:")]
    [InlineData("<style>body{display:none}</style>", "<style")]
    public void ToHtml_StripsActiveContent(string markdown, string forbidden)
    {
        // Around the payload, a paragraph that must survive: an empty (or wholly dropped) output cannot pass.
        var html = _renderer.ToHtml("Safe **kept** text.\n\n" + markdown + "\n\nAfter it.")!;
        Assert.DoesNotContain(forbidden, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<strong>kept</strong>", html, StringComparison.Ordinal);
        Assert.Contains("After it.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_KeepsTablesCodeAndLinks()
    {
        var html = _renderer.ToHtml("## Use\n\n```bash\nopenmaas serve\n```\n\n| k | v |\n|---|---|\n| a | b |\n\nSee https://modelscope.cn\n")!;
        Assert.Contains("<h2", html);
        Assert.Contains("<code class=\"language-bash\">", html);
        Assert.Contains("<table>", html);
        Assert.Contains("href=\"https://modelscope.cn\"", html);
    }

    [Fact]
    public void ToHtml_OfNoCard_IsNull() => Assert.Null(_renderer.ToHtml(null));
}
