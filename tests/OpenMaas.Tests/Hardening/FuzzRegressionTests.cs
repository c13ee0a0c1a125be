using System.Text;
using System.Text.Json;
using OpenMaas.Inference.Grammar;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Images;

namespace OpenMaas.Tests.Hardening;

/// <summary>The crashes the request-reader, schema and image fuzzing found (each was a 500, or a wrong answer), kept
/// with their inputs. The surfaces write a 4xx <see cref="CallException"/> in their own error shape.</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public async Task Regression_ResponsesMetadataWithAKeyShorterThan16Characters_IsRead()
    {
        // The too-long-key message was built for every key, cutting its first 16 characters: any shorter key threw.
        await Read("responses", """{"model":"m","input":"hi","metadata":{"k":"v"}}""");
        var e = await Assert.ThrowsAsync<CallException>(() => Read("responses", """{"model":"m","input":"hi","metadata":{"K":"v"}}""".Replace("K", new string('k', 65), StringComparison.Ordinal)));
        Assert.Equal(400, e.Status);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":"1024"},"messages":[{"role":"user","content":"hi"}]}""")] // TryGetInt32 on a string
    [InlineData("""{"model":"m","max_tokens":16,"tools":[{"name":"f","input_schema":{"type":[]}}],"messages":[{"role":"user","content":"hi"}]}""")] // ValueEquals on an array
    [InlineData("""{"model":"m","max_tokens":16,"messages":[{"role":"user","content":[{"type":"image","source":{"type":5,"data":"x"}}]}]}""")] // ValueEquals on a number
    public async Task Regression_MessagesFieldOfTheWrongType_Is400(string body)
    {
        var e = await Assert.ThrowsAsync<CallException>(() => Read("messages", body));
        Assert.Equal(400, e.Status);
    }

    [Theory]
    [InlineData("transcriptions")]
    [InlineData("image_edits")]
    public void Regression_MultipartCutBeforeItsClosingBoundary_Is400(string surface)
    {
        // MultipartReader's IOException ("Unexpected end of Stream") escaped the form reader of /v1 uploads.
        var (type, body) = Multipart.Valid(surface);
        var e = Assert.Throws<CallException>(() => RequestReaderFuzzTests.Readers[surface](RequestReaderFuzzTests.Request(body[..(body.Length - 40)], type)).GetAwaiter().GetResult());
        Assert.Equal(400, e.Status);
    }

    [Theory]
    [InlineData("transcriptions")]
    [InlineData("image_edits")]
    [InlineData("task")]
    public void Regression_MultipartPartHeaderCutAfterFilenameStar_Is400(string surface)
    {
        // ASP.NET Core's ContentDispositionHeaderValue throws ArgumentNullException decoding an empty filename*.
        var body = Convert.FromHexString(
            "707265616D626C650D0A2D2D2D2D2D2D66757A7A626F756E64617279374D41345957786B54725A753067570D0A436F6E74656E742D446973706F736974696F6E3A20666F726D2D646174613B206E616D653D226906707574223B2066696C656E616D653D22612E706E67223B2066696C656E616D652A");
        var e = Assert.Throws<CallException>(() => RequestReaderFuzzTests.Readers[surface](RequestReaderFuzzTests.Request(body, Multipart.Valid(surface).ContentType)).GetAwaiter().GetResult());
        Assert.Equal(400, e.Status);
    }

    [Fact]
    public void Regression_SniffKnowsARealPng()
    {
        // "\x89PNG"u8 is C2 89 50 4E 47 in C# (\x takes the 'P'-less hex digits 89, then UTF-8 encodes U+0089).
        Assert.Equal("image/png", GeneratedImage.Sniff([0x89, .. "PNG\r\n\u001a\n"u8]));
    }

    [Theory]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":[1,"string"]}""")]
    [InlineData("""{"type":[]}""")]
    [InlineData("""{"$ref":true}""")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":5}}}""")]
    public void Regression_SchemaWithATypeOrRefThatIsNotAString_IsRefused(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaGrammar.FromSchema(document.RootElement));
    }

    [Fact]
    public void Regression_SchemaOfThousandsOfOptionalProperties_IsRefusedBeforeItsGrammarIsBuilt()
    {
        // Each optional property may be followed by any later one: 3,000 of them built ~135 MB of grammar text (seconds
        // of a core) before the size limit refused it. The size is now checked first.
        var schema = "{\"type\":\"object\",\"properties\":{" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"p{i}\":{{}}")) + "}}";
        using var document = JsonDocument.Parse(schema);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaGrammar.FromSchema(document.RootElement));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16 << 20, $"{allocated:N0} bytes allocated to refuse it");
    }

    private static Task Read(string surface, string body) =>
        RequestReaderFuzzTests.Readers[surface](RequestReaderFuzzTests.Request(Encoding.UTF8.GetBytes(body), "application/json"));
}
