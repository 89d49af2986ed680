//! The deterministic ledger generator of the billing benchmark: about three years of one heavy user's replies
//! (by default 1,000,000 ledger rows in 20,000 conversations), planned from one fixed seed.
//!
//! - **Models.** Nine families carry ~88 % of the replies (Claude Sonnet, GPT mini, Gemini Flash, DeepSeek,
//!   GPT, a free Llama, Opus, Gemini Pro, Haiku), each a succession of models released over the three years
//!   (a conversation takes the family's newest model at its start, sometimes the one before); 62 more
//!   models make the long tail (Zipf weights, released at random times, a quarter of them free).
//! - **Conversations.** Log-normal numbers of replies (median ~20) plus five very long ones (12,000 to 4,000
//!   replies over months or years); replies come in sessions (a few minutes apart within one, a day or more
//!   between them); starts follow the growing use over the years, weekdays and working hours. 5 % of the
//!   replies switch to another model for one reply.
//! - **Rows.** Prompt tokens grow with the conversation (context resent) up to a cap, with some long pastes;
//!   completion tokens log-normal; reasoning tokens for reasoning models, cached prompt tokens for providers
//!   that cache; exact costs in nano-dollars from per-token prices (0 for free models, cached tokens at a
//!   quarter or a tenth of the price); 0.7 % unpriced (a stopped reply whose cost never arrived), 1.5 % looked
//!   up later (`cost_source = 'generation'`), 0.1 % without a model (a reply deleted before its cost arrived),
//!   0.3 % without a conversation (from before schema version 4). 8 % of the conversations are deleted
//!   afterwards (their rows stay in the ledger), the third-longest among them.
//! - `message_id` is NULL on every row: no query of the Billing view reads `messages`, and leaving the
//!   messages out keeps the file near the ledger's own size. Text columns (generation id, usage JSON) are
//!   made when a row is written, from the row's own seed.

/// Bump when anything below changes what is generated: the cached database is then rebuilt.
pub const GENERATOR_VERSION: u32 = 1;
pub const SEED: u64 = 0x0B11_1196_5EED_2026;

/// 2023-11-27T00:00:00Z: the ledger spans `DAYS` days from here (to 2026-11-26, UTC).
pub const START_MS: i64 = 19_688 * DAY_MS;
pub const DAYS: i64 = 1096;
pub const DAY_MS: i64 = 86_400_000;
const END_MS: i64 = START_MS + DAYS * DAY_MS;

use openrouter_desktop::history::spend::civil_from_days;

// ---- random numbers ----

pub use crate::bench_common::Rng;

impl Rng {
    /// Uniform in `[lo, hi)`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Log-normal with this median.
    fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// An index into `cumulative` (running sums of weights), chosen in proportion to the weights.
    fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let x = self.unit() * total;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len() - 1)
    }
}

fn running_sums(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    weights
        .map(|w| {
            sum += w;
            sum
        })
        .collect()
}

// ---- models ----

/// One model of the catalogue. Prices are nano-dollars per token (dollars per million tokens × 1,000).
pub struct Model {
    pub id: String,
    pub prompt_price: i64,
    pub completion_price: i64,
    /// Cached prompt tokens cost the prompt price divided by this (0: the provider does not cache).
    cache_divisor: i64,
    reasoning: bool,
    providers: &'static [&'static str],
    /// Day (from the start) it appeared.
    from_day: i64,
}

/// A family's models in release order; a conversation takes the newest released by its start.
struct Family {
    weight: f64,
    models: Vec<usize>,
}

pub struct Catalogue {
    pub models: Vec<Model>,
    families: Vec<Family>,
    family_sums: Vec<f64>,
}

const ANTHROPIC: &[&str] = &["Anthropic", "Google", "Amazon Bedrock"];
const OPENAI: &[&str] = &["OpenAI", "Azure"];
const GOOGLE: &[&str] = &["Google AI Studio", "Google"];
const OPEN_WEIGHTS: &[&str] = &[
    "DeepInfra",
    "Together",
    "Fireworks",
    "Novita",
    "Chutes",
    "Groq",
    "Lambda",
    "Parasail",
];

/// Day (from 2023-11-27) of a release date in 2024–2025, for readability below.
fn day_of(y: i64, m: i64, d: i64) -> i64 {
    // Days from 2023-11-27: 2023-12-01 is day 4.
    const MONTH_STARTS: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap_before = |year: i64| (year - 1) / 4 - (year - 1) / 100 + (year - 1) / 400;
    let days_since_0 = |y: i64, m: i64, d: i64| {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        y * 365 + leap_before(y) + MONTH_STARTS[(m - 1) as usize] + i64::from(leap && m > 2) + d
    };
    days_since_0(y, m, d) - days_since_0(2023, 11, 27)
}

#[allow(clippy::too_many_arguments)]
fn model(
    id: &str,
    prompt_usd_per_m: f64,
    completion_usd_per_m: f64,
    cache_divisor: i64,
    reasoning: bool,
    providers: &'static [&'static str],
    from_day: i64,
) -> Model {
    Model {
        id: id.to_owned(),
        prompt_price: (prompt_usd_per_m * 1000.0).round() as i64,
        completion_price: (completion_usd_per_m * 1000.0).round() as i64,
        cache_divisor,
        reasoning,
        providers,
        from_day,
    }
}

/// The long tail: ids of real OpenRouter models of these years.
const TAIL: &[&str] = &[
    "mistralai/mistral-large",
    "mistralai/mistral-small-3.2-24b-instruct",
    "mistralai/mistral-nemo",
    "mistralai/codestral-2508",
    "mistralai/devstral-small",
    "mistralai/magistral-medium-2506",
    "mistralai/pixtral-12b",
    "qwen/qwen-2.5-72b-instruct",
    "qwen/qwen3-235b-a22b",
    "qwen/qwen3-coder",
    "qwen/qwq-32b",
    "qwen/qwen-2.5-coder-32b-instruct",
    "qwen/qwen3-30b-a3b:free",
    "x-ai/grok-2-1212",
    "x-ai/grok-3",
    "x-ai/grok-4",
    "x-ai/grok-code-fast-1",
    "x-ai/grok-3-mini",
    "cohere/command-r-plus-08-2024",
    "cohere/command-r7b-12-2024",
    "cohere/command-a",
    "perplexity/sonar",
    "perplexity/sonar-pro",
    "perplexity/sonar-reasoning",
    "nousresearch/hermes-3-llama-3.1-405b",
    "nousresearch/hermes-4-70b",
    "microsoft/phi-4",
    "microsoft/wizardlm-2-8x22b",
    "microsoft/mai-ds-r1:free",
    "meta-llama/llama-3.1-8b-instruct",
    "meta-llama/llama-3.1-405b-instruct",
    "meta-llama/llama-4-maverick",
    "meta-llama/llama-4-scout",
    "meta-llama/llama-3.2-3b-instruct:free",
    "google/gemma-2-9b-it:free",
    "google/gemma-3-27b-it",
    "google/gemma-3-12b-it:free",
    "amazon/nova-pro-v1",
    "amazon/nova-lite-v1",
    "amazon/nova-micro-v1",
    "openai/o1",
    "openai/o3-mini",
    "openai/o4-mini",
    "openai/o3",
    "openai/gpt-oss-120b",
    "openai/gpt-oss-20b:free",
    "openai/gpt-3.5-turbo",
    "openai/chatgpt-4o-latest",
    "moonshotai/kimi-k2",
    "moonshotai/kimi-k2:free",
    "z-ai/glm-4.5",
    "z-ai/glm-4.5-air:free",
    "minimax/minimax-m1",
    "inflection/inflection-3-pi",
    "liquid/lfm-40b",
    "ai21/jamba-1.6-large",
    "deepseek/deepseek-r1:free",
    "deepseek/deepseek-r1",
    "anthropic/claude-2.1",
    "sao10k/l3.3-euryale-70b",
    "thedrummer/rocinante-12b",
    "gryphe/mythomax-l2-13b",
];

impl Catalogue {
    pub fn new(rng: &mut Rng) -> Self {
        let mut models = Vec::new();
        let mut families = Vec::new();
        let mut family = |weight: f64, members: Vec<Model>, models: &mut Vec<Model>| {
            let first = models.len();
            models.extend(members);
            families.push(Family {
                weight,
                models: (first..models.len()).collect(),
            });
        };
        let a = ANTHROPIC;
        family(
            28.0,
            vec![
                model("anthropic/claude-3.5-sonnet", 3.0, 15.0, 10, false, a, 0),
                model(
                    "anthropic/claude-3.7-sonnet",
                    3.0,
                    15.0,
                    10,
                    true,
                    a,
                    day_of(2025, 2, 24),
                ),
                model(
                    "anthropic/claude-sonnet-4",
                    3.0,
                    15.0,
                    10,
                    true,
                    a,
                    day_of(2025, 5, 22),
                ),
                model(
                    "anthropic/claude-sonnet-4.5",
                    3.0,
                    15.0,
                    10,
                    true,
                    a,
                    day_of(2025, 9, 29),
                ),
            ],
            &mut models,
        );
        family(
            18.0,
            vec![
                model("openai/gpt-4o-mini", 0.15, 0.6, 2, false, OPENAI, 0),
                model(
                    "openai/gpt-4.1-mini",
                    0.4,
                    1.6,
                    4,
                    false,
                    OPENAI,
                    day_of(2025, 4, 14),
                ),
                model(
                    "openai/gpt-5-mini",
                    0.25,
                    2.0,
                    10,
                    true,
                    OPENAI,
                    day_of(2025, 8, 7),
                ),
            ],
            &mut models,
        );
        family(
            14.0,
            vec![
                model("google/gemini-flash-1.5", 0.075, 0.3, 4, false, GOOGLE, 0),
                model(
                    "google/gemini-2.0-flash-001",
                    0.1,
                    0.4,
                    4,
                    false,
                    GOOGLE,
                    day_of(2025, 2, 5),
                ),
                model(
                    "google/gemini-2.5-flash",
                    0.3,
                    2.5,
                    4,
                    true,
                    GOOGLE,
                    day_of(2025, 6, 17),
                ),
            ],
            &mut models,
        );
        family(
            8.0,
            vec![
                model(
                    "deepseek/deepseek-chat",
                    0.14,
                    0.28,
                    10,
                    false,
                    OPEN_WEIGHTS,
                    0,
                ),
                model(
                    "deepseek/deepseek-chat-v3-0324",
                    0.27,
                    1.1,
                    10,
                    false,
                    OPEN_WEIGHTS,
                    day_of(2025, 3, 24),
                ),
                model(
                    "deepseek/deepseek-chat-v3.1",
                    0.2,
                    0.8,
                    10,
                    true,
                    OPEN_WEIGHTS,
                    day_of(2025, 8, 21),
                ),
            ],
            &mut models,
        );
        family(
            7.0,
            vec![
                model("openai/gpt-4o", 2.5, 10.0, 2, false, OPENAI, 0),
                model(
                    "openai/gpt-4.1",
                    2.0,
                    8.0,
                    4,
                    false,
                    OPENAI,
                    day_of(2025, 4, 14),
                ),
                model(
                    "openai/gpt-5",
                    1.25,
                    10.0,
                    10,
                    true,
                    OPENAI,
                    day_of(2025, 8, 7),
                ),
            ],
            &mut models,
        );
        family(
            6.0,
            vec![
                model(
                    "meta-llama/llama-3.1-70b-instruct:free",
                    0.0,
                    0.0,
                    0,
                    false,
                    OPEN_WEIGHTS,
                    0,
                ),
                model(
                    "meta-llama/llama-3.3-70b-instruct:free",
                    0.0,
                    0.0,
                    0,
                    false,
                    OPEN_WEIGHTS,
                    day_of(2024, 12, 6),
                ),
            ],
            &mut models,
        );
        family(
            2.5,
            vec![
                model("anthropic/claude-3-opus", 15.0, 75.0, 10, false, a, 0),
                model(
                    "anthropic/claude-opus-4",
                    15.0,
                    75.0,
                    10,
                    true,
                    a,
                    day_of(2025, 5, 22),
                ),
                model(
                    "anthropic/claude-opus-4.1",
                    15.0,
                    75.0,
                    10,
                    true,
                    a,
                    day_of(2025, 8, 5),
                ),
            ],
            &mut models,
        );
        family(
            2.5,
            vec![
                model("google/gemini-pro-1.5", 1.25, 5.0, 4, false, GOOGLE, 0),
                model(
                    "google/gemini-2.5-pro",
                    1.25,
                    10.0,
                    4,
                    true,
                    GOOGLE,
                    day_of(2025, 3, 25),
                ),
            ],
            &mut models,
        );
        family(
            2.0,
            vec![
                model("anthropic/claude-3-haiku", 0.25, 1.25, 10, false, a, 0),
                model(
                    "anthropic/claude-3.5-haiku",
                    0.8,
                    4.0,
                    10,
                    false,
                    a,
                    day_of(2024, 11, 4),
                ),
                model(
                    "anthropic/claude-haiku-4.5",
                    1.0,
                    5.0,
                    10,
                    false,
                    a,
                    day_of(2025, 10, 15),
                ),
            ],
            &mut models,
        );
        // The tail: ~12 % of the replies over 62 models, Zipf weights in a shuffled order.
        const PROMPT_PRICES: &[f64] = &[
            0.02, 0.04, 0.05, 0.1, 0.13, 0.15, 0.2, 0.3, 0.4, 0.5, 0.8, 1.0, 1.1, 2.0, 3.0, 5.0,
        ];
        let mut order: Vec<usize> = (0..TAIL.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let zipf_total: f64 = (1..=TAIL.len()).map(|r| 1.0 / r as f64).sum();
        for (rank, &i) in order.iter().enumerate() {
            let id = TAIL[i];
            let free = id.ends_with(":free");
            let prompt = if free {
                0.0
            } else {
                PROMPT_PRICES[rng.below(PROMPT_PRICES.len())]
            };
            let completion = prompt * [2.0, 3.0, 4.0, 5.0][rng.below(4)];
            let providers = if id.starts_with("openai/") {
                OPENAI
            } else if id.starts_with("google/") {
                GOOGLE
            } else if id.starts_with("anthropic/") {
                ANTHROPIC
            } else {
                OPEN_WEIGHTS
            };
            // A third was there from the start, the others came out at some point of the three years.
            let from_day = if rng.chance(0.33) {
                0
            } else {
                rng.below((DAYS - 60) as usize) as i64
            };
            let reasoning = ["/o1", "/o3", "/o4", "-r1", "reasoning", "magistral", "qwq"]
                .iter()
                .any(|p| id.contains(p));
            family(
                12.0 * (1.0 / (rank + 1) as f64) / zipf_total,
                vec![model(
                    id,
                    prompt,
                    completion,
                    if rng.chance(0.3) { 4 } else { 0 },
                    reasoning,
                    providers,
                    from_day,
                )],
                &mut models,
            );
        }
        let family_sums = running_sums(families.iter().map(|f| f.weight));
        Self {
            models,
            families,
            family_sums,
        }
    }

    /// A model for a conversation started on `day`: a family by weight (among those with a model out by
    /// then), its newest model, or (one time in five) the one before.
    fn pick(&self, rng: &mut Rng, day: i64) -> usize {
        loop {
            let family = &self.families[rng.weighted(&self.family_sums)];
            let out: Vec<usize> = family
                .models
                .iter()
                .copied()
                .filter(|&m| self.models[m].from_day <= day)
                .collect();
            match out.len() {
                0 => continue,
                1 => return out[0],
                n if rng.chance(0.2) => return out[n - 2],
                n => return out[n - 1],
            }
        }
    }
}

// ---- the plan ----

/// One ledger row, as planned (its text columns are made when it is written, from `seed`).
pub struct Row {
    pub created_at: i64,
    pub conversation: u32,
    /// Index into the catalogue; `u16::MAX`: no model.
    pub model: u16,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// `u32::MAX`: not reported.
    pub reasoning_tokens: u32,
    /// `u32::MAX`: not reported.
    pub cached_tokens: u32,
    /// -1: not known.
    pub cost_nanos: i64,
    pub from_generation: bool,
    pub no_conversation: bool,
    pub seed: u32,
}

pub struct PlannedConversation {
    /// 1-based, as the row ids will be.
    pub id: u32,
    pub title: String,
    pub model: u16,
    pub created_at: i64,
    pub updated_at: i64,
    pub replies: u32,
    pub deleted: bool,
    pub starred: bool,
    pub archived: bool,
}

pub struct Plan {
    pub catalogue: Catalogue,
    pub conversations: Vec<PlannedConversation>,
    /// Sorted by time, as the app writes them.
    pub rows: Vec<Row>,
}

/// Replies of the five very long conversations per 1,000,000 rows.
const GIANTS: [f64; 5] = [12_000.0, 9_000.0, 7_000.0, 5_000.0, 4_000.0];

/// How much the user chats on day `day`: growing over the years, less at weekends and in August and the
/// last week of December.
fn day_weight(day: i64) -> f64 {
    let growth = 0.35 + 0.65 * day as f64 / DAYS as f64;
    // 2023-11-27 was a Monday.
    let weekend = if day % 7 >= 5 { 0.45 } else { 1.0 };
    let (_, month, date) = civil_from_days(START_MS / DAY_MS + day);
    let holiday = if month == 8 || (month == 12 && date >= 23) {
        0.7
    } else {
        1.0
    };
    growth * weekend * holiday
}

/// Hours of the day a conversation starts in (the user's working day).
const HOUR_WEIGHTS: [f64; 24] = [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2.4, 2.6, 2.4, 1.6, 2.0, 2.4, 2.4, 2.2, 1.8,
    1.2, 1.0, 1.1, 1.0, 0.7, 0.4,
];

const TITLE_VERBS: &[&str] = &[
    "Fix",
    "Explain",
    "Refactor",
    "Summarize",
    "Draft",
    "Translate",
    "Review",
    "Plan",
    "Debug",
    "Compare",
    "Optimize",
    "Write",
    "Design",
    "Test",
    "Document",
];
const TITLE_TOPICS: &[&str] = &[
    "the billing parser",
    "a SQLite migration",
    "the quarterly report",
    "async Rust streams",
    "a cover letter",
    "the deploy pipeline",
    "React state handling",
    "a trip to Kyoto",
    "the onboarding emails",
    "Postgres indexes",
    "a birthday speech",
    "the API rate limits",
    "Python packaging",
    "the team offsite",
    "a grant proposal",
    "WebGL shaders",
    "the CSV importer",
    "tax questions",
    "a short story",
    "Kubernetes probes",
];

/// The whole plan for `rows` ledger rows (conversations are a fiftieth of that).
pub fn plan(rows: usize) -> Plan {
    let mut rng = Rng::new(SEED);
    let catalogue = Catalogue::new(&mut rng);
    let count = (rows / 50).max(1);
    let scale = rows as f64 / 1_000_000.0;
    let day_sums = running_sums((0..DAYS).map(day_weight));
    let hour_sums = running_sums(HOUR_WEIGHTS.iter().copied());

    // Replies per conversation: the giants, then log-normal, scaled to the total.
    let mut sizes: Vec<u32> = vec![0; count];
    let giants: Vec<u32> = GIANTS
        .iter()
        .map(|g| (g * scale).round().max(1.0) as u32)
        .take(count)
        .collect();
    let giant_slots: Vec<usize> = (0..giants.len()).map(|i| i * count / 23 + 7).collect();
    let rest_target = rows as i64 - giants.iter().map(|&g| i64::from(g)).sum::<i64>();
    let mut raw: Vec<f64> = (0..count).map(|_| rng.log_normal(20.0, 1.25)).collect();
    for &slot in &giant_slots {
        raw[slot.min(count - 1)] = 0.0;
    }
    let raw_total: f64 = raw.iter().sum();
    for (i, r) in raw.iter().enumerate() {
        if *r > 0.0 {
            sizes[i] = ((r * rest_target as f64 / raw_total).round() as u32).clamp(1, 3000);
        }
    }
    for (&slot, &g) in giant_slots.iter().zip(&giants) {
        sizes[slot.min(count - 1)] = g;
    }
    let mut diff = rows as i64 - sizes.iter().map(|&s| i64::from(s)).sum::<i64>();
    while diff != 0 {
        let i = rng.below(count);
        if giant_slots.contains(&i) {
            continue;
        }
        if diff > 0 {
            sizes[i] += 1;
            diff -= 1;
        } else if sizes[i] > 1 {
            sizes[i] -= 1;
            diff += 1;
        }
    }

    let mut conversations = Vec::with_capacity(count);
    let mut planned_rows: Vec<Row> = Vec::with_capacity(rows);
    for (i, &replies) in sizes.iter().enumerate() {
        let giant = giant_slots.contains(&i);
        // Giants start in the first year, so they run long.
        let day = if giant {
            rng.below(300) as i64
        } else {
            rng.weighted(&day_sums) as i64
        };
        let hour = rng.weighted(&hour_sums) as i64;
        let start = START_MS + day * DAY_MS + hour * 3_600_000 + rng.below(3_600_000) as i64;
        let conversation_model = catalogue.pick(&mut rng, day);
        let mut times = session_times(&mut rng, replies, start);
        let last = *times.last().expect("one reply at least");
        if last >= END_MS {
            // Squeeze the conversation into the days left.
            let room = (END_MS - 60_000 - start).max(1) as f64;
            let span = (last - start).max(1) as f64;
            for t in &mut times {
                *t = start + ((*t - start) as f64 * room / span) as i64;
            }
        }
        let id = i as u32 + 1;
        let system_prompt = rng.log_normal(400.0, 1.0).min(8_000.0);
        let growth = rng.log_normal(450.0, 0.8);
        let mut model = conversation_model;
        for (position, &t) in times.iter().enumerate() {
            // Long conversations change model now and then; any reply may try another model once.
            let mut this = model;
            if position > 0 && rng.chance(0.05) {
                this = catalogue.pick(&mut rng, (t - START_MS) / DAY_MS);
                if replies > 200 && rng.chance(0.3) {
                    model = this;
                }
            }
            planned_rows.push(row(
                &mut rng,
                &catalogue,
                this,
                t,
                id,
                position,
                system_prompt,
                growth,
            ));
        }
        let title = format!(
            "{} {}",
            TITLE_VERBS[rng.below(TITLE_VERBS.len())],
            TITLE_TOPICS[rng.below(TITLE_TOPICS.len())]
        );
        conversations.push(PlannedConversation {
            id,
            title,
            model: conversation_model as u16,
            created_at: start - 5_000,
            updated_at: times.last().copied().unwrap_or(start),
            replies,
            deleted: rng.chance(0.08) || giant_slots.get(2) == Some(&i),
            starred: rng.chance(0.03),
            archived: rng.chance(0.10),
        });
    }
    // The app writes rows as replies end: in time order (ties by conversation, then as planned).
    planned_rows.sort_by_key(|r| (r.created_at, r.conversation));
    Plan {
        catalogue,
        conversations,
        rows: planned_rows,
    }
}

/// When each of `replies` replies ended: sessions of about a dozen replies a minute or two apart, the next
/// session hours to weeks later.
fn session_times(rng: &mut Rng, replies: u32, start: i64) -> Vec<i64> {
    let mut times = Vec::with_capacity(replies as usize);
    let mut t = start;
    let mut left_in_session = rng.log_normal(12.0, 0.9).ceil() as u32;
    for _ in 0..replies {
        if left_in_session == 0 {
            // Mostly the next day or so, sometimes weeks later.
            t += rng
                .log_normal(20.0 * 3_600_000.0, 1.4)
                .min(120.0 * DAY_MS as f64) as i64;
            left_in_session = rng.log_normal(12.0, 0.9).ceil() as u32;
        } else {
            t += 5_000 + rng.log_normal(70_000.0, 0.9).min(3_600_000.0) as i64;
        }
        left_in_session -= 1;
        times.push(t);
    }
    times
}

#[allow(clippy::too_many_arguments)]
fn row(
    rng: &mut Rng,
    catalogue: &Catalogue,
    model: usize,
    created_at: i64,
    conversation: u32,
    position: usize,
    system_prompt: f64,
    growth: f64,
) -> Row {
    let m = &catalogue.models[model];
    // The whole conversation is resent, up to what a context holds (or what the user keeps).
    let context = system_prompt + growth * position.min(40) as f64 * rng.between(0.7, 1.3);
    let paste = if rng.chance(0.02) {
        rng.log_normal(12_000.0, 0.9).min(150_000.0)
    } else {
        rng.log_normal(120.0, 1.0)
    };
    let prompt = (context + paste).clamp(20.0, 180_000.0) as u32;
    let mut completion = rng.log_normal(380.0, 0.85).clamp(1.0, 16_000.0) as u32;
    let reasoning = if m.reasoning && rng.chance(0.7) {
        let r = (f64::from(completion) * rng.between(0.5, 3.0)) as u32;
        completion += r;
        r
    } else if rng.chance(0.3) {
        u32::MAX
    } else {
        0
    };
    let cached = if m.cache_divisor > 0 && position > 0 && rng.chance(0.6) {
        (f64::from(prompt) * rng.between(0.5, 0.95)) as u32
    } else if rng.chance(0.4) {
        u32::MAX
    } else {
        0
    };
    let cached_n = i64::from(if cached == u32::MAX { 0 } else { cached });
    let mut cost = (i64::from(prompt) - cached_n) * m.prompt_price
        + if m.cache_divisor > 0 {
            cached_n * m.prompt_price / m.cache_divisor
        } else {
            0
        }
        + i64::from(completion) * m.completion_price;
    let roll = rng.unit();
    let (from_generation, no_model) = (roll < 0.016, roll < 0.001);
    if (0.016..0.023).contains(&roll) {
        cost = -1; // unpriced
    }
    Row {
        created_at,
        conversation,
        model: if no_model { u16::MAX } else { model as u16 },
        prompt_tokens: prompt,
        completion_tokens: completion,
        reasoning_tokens: reasoning,
        cached_tokens: cached,
        cost_nanos: cost,
        from_generation,
        no_conversation: rng.chance(0.003),
        seed: rng.next_u64() as u32,
    }
}

/// A provider of the row's model, and its generation id ("gen-<unix s>-<20 letters>").
pub fn row_text(catalogue: &Catalogue, row: &Row) -> (Option<&'static str>, String) {
    let mut rng = Rng::new(u64::from(row.seed) << 20 ^ row.created_at as u64);
    let provider = (row.model != u16::MAX).then(|| {
        let providers = catalogue.models[row.model as usize].providers;
        // The first provider most of the time.
        if rng.chance(0.7) {
            providers[0]
        } else {
            providers[rng.below(providers.len())]
        }
    });
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let tail: String = (0..20)
        .map(|_| LETTERS[rng.below(LETTERS.len())] as char)
        .collect();
    (provider, format!("gen-{}-{tail}", row.created_at / 1000))
}

/// The usage object as OpenRouter sends it (what the app keeps in `usage_json`).
pub fn usage_json(row: &Row) -> String {
    let known = |n: u32| if n == u32::MAX { 0 } else { n };
    let cost = if row.cost_nanos < 0 {
        "null".to_owned()
    } else {
        format!("{}", row.cost_nanos as f64 / 1e9)
    };
    format!(
        r#"{{"prompt_tokens":{},"completion_tokens":{},"total_tokens":{},"cost":{cost},"is_byok":false,"prompt_tokens_details":{{"cached_tokens":{}}},"cost_details":{{"upstream_inference_cost":null}},"completion_tokens_details":{{"reasoning_tokens":{}}}}}"#,
        row.prompt_tokens,
        row.completion_tokens,
        row.prompt_tokens + row.completion_tokens,
        known(row.cached_tokens),
        known(row.reasoning_tokens),
    )
}
