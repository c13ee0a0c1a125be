using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Llama;

/// <summary>One decode step over all active sequences: one token for each generating sequence, then prompt chunks
/// for prefilling sequences up to the batch size; one <c>llama_decode</c>; one sample per sequence that asked for
/// logits. Runs on the decode thread only.</summary>
internal sealed class DecodeStep
{
    private readonly LLamaContext _context;
    private readonly SafeLLamaContextHandle _native;
    private readonly SafeLlamaModelHandle.Vocabulary _vocab;
    private LLamaTokenData[]? _candidates;
    private readonly LLamaLogitBias[] _eogBans;
    private readonly int _batchSize;
    private readonly LLamaBatch _batch = new();
    private readonly string _modelId;
    private readonly ILogger _logger;
    private long _generatedTokens;

    public DecodeStep(string modelId, LLamaContext context, int batchSize, ILogger logger)
    {
        _modelId = modelId;
        _logger = logger;
        _context = context;
        _native = context.NativeHandle;
        _vocab = context.Vocab;
        _eogBans = SamplerFactory.EogBans(_vocab);
        _batchSize = batchSize;
    }

    /// <summary>Tokens sampled since the model was loaded (all sequences); read from any thread.</summary>
    public long GeneratedTokens => Volatile.Read(ref _generatedTokens);

    public void Activate(LlamaSequence sequence)
    {
        sequence.Sampler = SamplerFactory.Create(sequence.Options, _vocab, _eogBans);
        sequence.Grammar = SamplerFactory.CreateGrammar(sequence.Options, _context.NativeHandle.ModelHandle);
        sequence.Decoder = new StreamingTokenDecoder(_context);
        sequence.Prefilled = 0;
        sequence.LogitIndex = -1;
    }

    public void Release(LlamaSequence sequence)
    {
        _native.MemorySequenceRemove(sequence.SeqId, -1, -1);
        sequence.ReleaseNative();
    }

    /// <summary>True when the last <see cref="Run"/> handed some sequence its first chunk: a consumer that was waiting
    /// to send a call's first event has just been woken.</summary>
    public bool HandedFirstChunk { get; private set; }

    /// <summary>Decodes one step; sequences that end (or fail) are marked <see cref="LlamaSequence.Finished"/>.</summary>
    public void Run(List<LlamaSequence> active)
    {
        HandedFirstChunk = false;
        if (!BuildBatch(active))
        {
            return;
        }

        DecodeResult result;
        Exception? error = null;
        try
        {
            result = _native.Decode(_batch);
        }
        catch (Exception e)
        {
            result = DecodeResult.DecodeFailed;
            error = e;
        }

        if (result != DecodeResult.Ok)
        {
            FailBatch(active, result, error);
            return;
        }

        foreach (var sequence in active)
        {
            if (sequence.LogitIndex < 0 || sequence.Finished)
            {
                continue;
            }

            try
            {
                var token = sequence.Grammar is { } grammar
                    ? ConstrainedSampling.Sample(_native, sequence.LogitIndex, sequence.Sampler!, grammar, _candidates ??= new LLamaTokenData[_vocab.Count])
                    : sequence.Sampler!.Sample(_native, sequence.LogitIndex);
                Accept(sequence, token);
            }
            catch (Exception e)
            {
                sequence.End(new InferenceException("Sampling failed.", e));
            }
        }
    }

    private bool BuildBatch(List<LlamaSequence> active)
    {
        _batch.Clear();
        foreach (var sequence in active)
        {
            sequence.LogitIndex = -1;
            if (!sequence.IsPrefilling && !sequence.Finished)
            {
                sequence.LogitIndex = _batch.TokenCount;
                _batch.Add(sequence.Pending, sequence.PendingPosition, sequence.SeqId, true);
            }
        }

        // Prompts are prefilled in chunks with what is left of the batch, oldest first, so a long prompt never
        // stalls the sequences that are already generating.
        var budget = _batchSize - _batch.TokenCount;
        foreach (var sequence in active)
        {
            if (budget <= 0)
            {
                break;
            }

            if (!sequence.IsPrefilling || sequence.Finished)
            {
                continue;
            }

            var prompt = sequence.Prompt;
            var count = Math.Min(budget, prompt.Length - sequence.Prefilled);
            for (var i = 0; i < count; i++)
            {
                var pos = sequence.Prefilled + i;
                var last = pos == prompt.Length - 1;
                if (last)
                {
                    sequence.LogitIndex = _batch.TokenCount;
                }

                _batch.Add(prompt[pos], pos, sequence.SeqId, last);
            }

            sequence.Prefilled += count;
            budget -= count;
        }

        return _batch.TokenCount > 0;
    }

    private void Accept(LlamaSequence sequence, LLamaToken token)
    {
        if (!sequence.Options.IgnoreEos && token.IsEndOfGeneration(_vocab))
        {
            sequence.End(FinishReason.Stop);
            return;
        }

        sequence.CountCompletionToken();
        Volatile.Write(ref _generatedTokens, _generatedTokens + 1);
        var decoder = sequence.Decoder!;
        decoder.Add(token);
        if (decoder.AvailableCharacters > 0)
        {
            var text = decoder.Read();
            if (sequence.Stop is { } stop)
            {
                var (emit, stopped) = stop.Append(text);
                HandedFirstChunk |= sequence.Emit(emit);
                if (stopped)
                {
                    sequence.End(FinishReason.Stop);
                    return;
                }
            }
            else
            {
                HandedFirstChunk |= sequence.Emit(text);
            }
        }

        if (sequence.Completion >= sequence.MaxCompletion)
        {
            sequence.End(FinishReason.Length);
            return;
        }

        sequence.Pending = token;
    }

    private void FailBatch(List<LlamaSequence> active, DecodeResult result, Exception? error)
    {
        var failure = new InferenceException($"llama_decode failed ({result}).", error);
        var failed = 0;
        foreach (var sequence in active)
        {
            // Every unfinished sequence had tokens in the failed batch or may hold a partial prompt in the cache.
            if (!sequence.Finished && (sequence.LogitIndex >= 0 || sequence.Prefilled > 0))
            {
                sequence.End(failure);
                failed++;
            }
        }

        Log.DecodeFailed(_logger, _modelId, failed, failure);
    }
}
