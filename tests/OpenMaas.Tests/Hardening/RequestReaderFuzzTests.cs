using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Protocols.Anthropic;
using OpenMaas.Server.Protocols.ModelScope;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Protocols.OpenAI.ResponsesApi;
using OpenMaas.Server.Runtimes.Audio;
using Xunit.Abstractions;

namespace OpenMaas.Tests.Hardening;

/// <summary>
/// Property-based fuzzing (CsCheck) of every surface's request reader — the wire adapter's <c>ReadAsync</c>, which
/// parses and fully validates a body before anything else happens — over random bytes and structure-aware mutations of
/// valid requests (<see cref="JsonMutations"/>), and over damaged multipart uploads. Whatever the body, a reader either
/// answers a request or throws its one input error, a 4xx <see cref="CallException"/> (written in the surface's shape
/// by its error writer); any other exception would be a 500. Budget: <see cref="Fuzz"/>; every crash found is a
/// <c>Regression_</c> test in <c>FuzzRegressionTests</c>.
/// </summary>
public sealed class RequestReaderFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 1500;

    // The adapters' other dependencies (the responder, the store, the engines) serve RespondAsync, after the read;
    // ReadAsync never touches them, so they are null here. No valid body below names a previous_response_id, the one
    // field the Responses reader looks up in its store, and no mutation invents a key.
    internal static readonly Dictionary<string, Func<HttpContext, Task>> Readers = new()
    {
        ["chat"] = async h => await new ChatCompletionsAdapter(null!, TimeProvider.System).ReadAsync(h),
        ["completions"] = async h => await new CompletionsAdapter(null!, TimeProvider.System).ReadAsync(h),
        ["embeddings"] = async h => await new EmbeddingsAdapter(null!, TimeProvider.System).ReadAsync(h),
        ["responses"] = async h => await new ResponsesAdapter(null!, null!, TimeProvider.System).ReadAsync(h),
        ["rerank"] = async h => await new RerankAdapter(null!, TimeProvider.System).ReadAsync(h),
        ["images"] = async h => await new ImageGenerationsAdapter(null!).ReadAsync(h),
        ["speech"] = async h => await new SpeechAdapter(null!).ReadAsync(h),
        ["messages"] = async h => await new MessagesAdapter(null!).ReadAsync(h),
        ["count_tokens"] = async h => _ = (await JsonBodyReader.ReadAsync(h, AnthropicJson.Default.CountTokensRequest, FieldPathStyle.Dots)).Value.Validate(),
        ["task"] = async h => await new TaskApiAdapter(TimeProvider.System, null!).ReadAsync(h),
        ["transcriptions"] = async h => await new TranscriptionsAdapter(null!, Options.Create(new AudioOptions())).ReadAsync(h),
        ["image_edits"] = async h => await new ImageEditsAdapter(null!).ReadAsync(h),
    };

    private const string Png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

    private const string Schema = """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"array","items":{"enum":["x","y"]}}},"required":["a"]}""";

    /// <summary>Valid bodies of each JSON reader, every field it reads at least once: the start of every mutation.</summary>
    internal static readonly Dictionary<string, string[]> Valid = WithAssets(new()
    {
        ["chat"] =
        [
            """{"model":"m","messages":[{"role":"user","content":"hi"}]}""",
            """
            {"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","name":"u","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"@PNG@","detail":"low"}},{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]},
             {"role":"assistant","content":null,"reasoning_content":"r","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"call_1","content":"42"}],
             "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":@SCHEMA@,"strict":true}}],"tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":@SCHEMA@,"strict":true}},"max_tokens":16,"max_completion_tokens":16,"temperature":0.5,"top_p":0.9,"top_k":5,"seed":1,
             "stop":["\n","END"],"presence_penalty":0.1,"frequency_penalty":0.1,"n":1,"user":"u","stream":true,"stream_options":{"include_usage":true},"ignore_eos":false,
             "enable_thinking":true,"thinking_budget":8,"reasoning_effort":"low","chat_template_kwargs":{"enable_thinking":false}}
            """,
        ],
        ["completions"] =
        [
            """{"model":"m","prompt":"Once"}""",
            """{"model":"m","prompt":["Once"],"suffix":"x","echo":false,"max_tokens":8,"stop":"\n","temperature":0,"top_p":1,"seed":1,"n":1,"stream":true,"stream_options":{"include_usage":true}}""",
        ],
        ["embeddings"] =
        [
            """{"model":"m","input":"a"}""",
            """{"model":"m","input":["a","b"],"encoding_format":"base64","dimensions":8,"user":"u"}""",
            """{"model":"m","input":[[1,2,3],[4]],"encoding_format":"float"}""",
        ],
        ["responses"] =
        [
            """{"model":"m","input":"hi"}""",
            """
            {"model":"m","instructions":"i","input":[{"role":"user","content":[{"type":"input_text","text":"hi"},{"type":"input_text","text":"there"}]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"ok"}]},
             {"type":"function_call","call_id":"call_1","name":"f","arguments":"{\"a\":1}"},{"type":"function_call_output","call_id":"call_1","output":"42"}],
             "tools":[{"type":"function","name":"f","description":"d","parameters":@SCHEMA@,"strict":true}],"tool_choice":{"type":"function","name":"f"},"parallel_tool_calls":true,
             "max_output_tokens":32,"temperature":0.5,"top_p":0.9,"metadata":{"k":"v"},"user":"u","store":false,"stream":true,
             "text":{"format":{"type":"json_schema","name":"x","schema":@SCHEMA@,"strict":true}},"reasoning":{"effort":"low"},"truncation":"disabled","background":false,"include":[]}
            """,
        ],
        ["rerank"] = ["""{"model":"m","query":"q","documents":["a","b"],"top_n":1,"return_documents":true}"""],
        ["images"] =
        [
            """{"model":"m","prompt":"a cat"}""",
            """{"model":"m","prompt":"a cat","negative_prompt":"dog","size":"512x512","n":1,"seed":1,"steps":4,"guidance":3.5,"image_url":"@PNG@","response_format":"b64_json"}""",
        ],
        ["speech"] = ["""{"model":"m","input":"hello","voice":"alloy","response_format":"wav","speed":1.0}"""],
        ["messages"] =
        [
            """{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""",
            """
            {"model":"m","max_tokens":64,"system":[{"type":"text","text":"be brief"}],
             "messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"@PNG64@"}}]},
              {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"calling"},{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"42"}],"is_error":false},{"type":"text","text":"and?"}]}],
             "tools":[{"name":"f","description":"d","input_schema":@SCHEMA@}],"tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":true},
             "stop_sequences":["\n\nHuman:"],"temperature":0.5,"top_p":0.9,"top_k":5,"stream":true,"metadata":{"user_id":"u"}}
            """,
            """{"model":"m","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},"system":"s","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"},{"role":"user","content":"more"}]}""",
        ],
        ["count_tokens"] =
        [
            """{"model":"m","messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"m","system":"s","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"tools":[{"name":"f","input_schema":@SCHEMA@}],"thinking":{"type":"disabled"}}""",
        ],
        ["task"] =
        [
            """{"input":{"text":"hello"},"parameters":{"top_k":3,"voice":"x"}}""",
            """{"input":{"image":"@PNG@"}}""",
            """{"input":{"source_sentence":["a"],"sentences_to_compare":["b","c"]}}""",
            """{"input":"hello world"}""",
        ],
    });

    private static Dictionary<string, string[]> WithAssets(Dictionary<string, string[]> bodies) =>
        bodies.ToDictionary(b => b.Key, b => b.Value.Select(v => v.Replace("@PNG64@", Png[22..]).Replace("@PNG@", Png).Replace("@SCHEMA@", Schema)).ToArray());

    public static TheoryData<string> JsonSurfaces => [.. Valid.Keys];

    [Theory]
    [MemberData(nameof(JsonSurfaces))]
    public void JsonReader_OnAnyBody_ReadsOrRefusesWith4xx(string surface) =>
        Fuzz.Run(JsonMutations.Bodies(Valid[surface]), body => ReadsOrRefuses(surface, Request(body, "application/json")), Iterations, output, Fuzz.Show);

    [Theory]
    [MemberData(nameof(JsonSurfaces))]
    public async Task JsonReader_ReadsEachValidBody(string surface)
    {
        // The mutations start from these: were they refused, the fuzzing would only ever explore refusals.
        foreach (var body in Valid[surface])
        {
            await Readers[surface](Request(Encoding.UTF8.GetBytes(body), "application/json"));
        }
    }

    [Theory]
    [InlineData("transcriptions")]
    [InlineData("image_edits")]
    [InlineData("task")]
    public void MultipartReader_OnAnyUpload_ReadsOrRefusesWith4xx(string surface) =>
        Fuzz.Run(Multipart.Uploads(surface), upload => ReadsOrRefuses(surface, Request(upload.Body, upload.ContentType)), Iterations, output, u => u.ContentType + "\n" + Fuzz.Show(u.Body));

    [Theory]
    [InlineData("transcriptions")]
    [InlineData("image_edits")]
    [InlineData("task")]
    public async Task MultipartReader_ReadsAValidUpload(string surface)
    {
        var (type, body) = Multipart.Valid(surface);
        await Readers[surface](Request(body, type));
    }

    /// <summary>A request as Kestrel hands it over: method, content type and length, the body as a stream.</summary>
    internal static HttpContext Request(byte[] body, string? contentType)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.ContentType = contentType;
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body);
        http.Request.RouteValues["owner"] = "o";
        http.Request.RouteValues["name"] = "n";
        return http;
    }

    internal static void ReadsOrRefuses(string surface, HttpContext http)
    {
        try
        {
            Readers[surface](http).GetAwaiter().GetResult();
        }
        catch (CallException e) when (e.Status is >= 400 and < 500)
        {
        }
    }
}
