// One chat call with a token copied from the web console, through the official `openai` npm client.
// Env: BASE_URL (…/v1), API_KEY, MODEL. Prints the reply text; exits 1 on failure.
import OpenAI from 'openai';

const { BASE_URL, API_KEY, MODEL } = process.env;
const client = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 60000 });
try {
  const r = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 40, temperature: 0,
  });
  console.log(`REPLY ${r.choices[0].message.content}`);
} catch (e) {
  console.log(`FAIL ${e?.constructor?.name}: ${e?.message}`);
  process.exit(1);
}
