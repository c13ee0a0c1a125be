using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx.Embeddings;

/// <summary>A BERT-family sentence encoder: WordPiece tokens with [CLS]/[SEP], mean pooling of the last hidden state
/// over the attention mask, L2 normalisation. Concurrent calls share model runs through the batcher.</summary>
internal sealed class BertEmbeddingModel : OnnxModel, IEmbeddingModel
{
    private readonly BertTokenizer _tokenizer;
    private readonly EmbeddingConfig _embedding;
    private readonly InputBatcher<int[], Embedding> _batcher;

    public BertEmbeddingModel(ModelDescriptor descriptor, OnnxTaskConfig config, InferenceSession session, BertTokenizer tokenizer,
        int vocabularySize, long estimatedBytes, OnnxOptions options, TimeProvider time, ILogger logger)
        : base(descriptor, config, session, estimatedBytes, time)
    {
        _tokenizer = tokenizer;
        _embedding = config.Embedding!;
        VocabularySize = vocabularySize;
        Dimensions = _embedding.Dimensions > 0 ? _embedding.Dimensions : (int)session.OutputMetadata[_embedding.Output].Dimensions[^1];
        _batcher = new InputBatcher<int[], Embedding>(descriptor.Id, Run, s => s.Length, options, logger);
    }

    public int Dimensions { get; }

    public int MaxInputTokens => _embedding.MaxTokens - 2;

    public int VocabularySize { get; }

    public IReadOnlyList<int> Tokenize(string text) => _tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);

    public async Task<IReadOnlyList<Embedding>> EmbedAsync(IReadOnlyList<IReadOnlyList<int>> inputs, CancellationToken ct)
    {
        using var work = BeginWork();
        var sequences = new int[inputs.Count][];
        for (var i = 0; i < inputs.Count; i++)
        {
            var tokens = inputs[i];
            var used = Math.Min(tokens.Count, MaxInputTokens);
            var sequence = new int[used + 2];
            sequence[0] = _tokenizer.ClassificationTokenId;
            for (var t = 0; t < used; t++)
            {
                sequence[t + 1] = tokens[t];
            }

            sequence[^1] = _tokenizer.SeparatorTokenId;
            sequences[i] = sequence;
        }

        return await _batcher.EnqueueAsync(sequences, ct).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _batcher.Dispose();
        base.Dispose();
    }

    // One model run over the batch, padded to its longest sequence.
    private Embedding[] Run(IReadOnlyList<int[]> batch)
    {
        CountRun();
        var rows = batch.Count;
        var length = batch.Max(s => s.Length);
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        for (var r = 0; r < rows; r++)
        {
            var sequence = batch[r];
            for (var t = 0; t < sequence.Length; t++)
            {
                ids[(r * length) + t] = sequence[t];
                mask[(r * length) + t] = 1;
            }

            for (var t = sequence.Length; t < length; t++)
            {
                ids[(r * length) + t] = _tokenizer.PaddingTokenId;
            }
        }

        long[] shape = [rows, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _embedding.TokenTypeIds is null ? null : OrtValue.CreateTensorValueFromMemory(new long[rows * length], shape);
        var inputs = new Dictionary<string, OrtValue> { [_embedding.InputIds] = idsValue, [_embedding.AttentionMask] = maskValue };
        if (typesValue is not null)
        {
            inputs[_embedding.TokenTypeIds!] = typesValue;
        }

        using var runOptions = new RunOptions();
        using var outputs = Session.Run(runOptions, inputs, [_embedding.Output]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var size = Dimensions;
        var results = new Embedding[rows];
        for (var r = 0; r < rows; r++)
        {
            var vector = new float[size];
            var count = batch[r].Length;
            for (var t = 0; t < count; t++)
            {
                var row = hidden.Slice(((r * length) + t) * size, size);
                for (var d = 0; d < size; d++)
                {
                    vector[d] += row[d];
                }
            }

            Normalize(vector, count);
            results[r] = new Embedding(vector, count);
        }

        return results;
    }

    private static void Normalize(float[] vector, int count)
    {
        double norm = 0;
        for (var d = 0; d < vector.Length; d++)
        {
            vector[d] /= count;
            norm += (double)vector[d] * vector[d];
        }

        var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        for (var d = 0; d < vector.Length; d++)
        {
            vector[d] *= scale;
        }
    }
}
