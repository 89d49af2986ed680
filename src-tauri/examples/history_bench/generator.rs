//! The deterministic history generator: conversations in the app's JSON export format (version 1), so they
//! go into the store through its real import path (`HistoryStore::import_json`).
//!
//! Everything comes from fixed seeds: the plan of the whole history (each conversation's start, length,
//! language, model) from one generator, and each conversation's text from its own generator seeded by its
//! number, so the output does not depend on how it is cut into import files.

use serde::Serialize;
use serde_json::{json, Value};

/// Bump when anything below changes what is generated: the cached database is then rebuilt.
pub const GENERATOR_VERSION: u32 = 2;
pub const SEED: u64 = 0x0005_EED0_F0E0_2026;

/// 2024-01-01T00:00:00Z; the history spans two years from here.
const START_MS: i64 = 1_704_067_200_000;
const SPAN_MS: i64 = 730 * 86_400_000;

// ---- random numbers ----

pub use crate::bench_common::{splitmix, Rng};

impl Rng {
    /// An index into `weights`, chosen in proportion to them.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ---- vocabulary ----

/// English, most frequent first: function words, then general and technical words a chat with an LLM uses.
const COMMON_WORDS: &str = "the of and to a in is that it for you this with on as are be was have not at or \
by from but can an they we will if all one there what so do which their more about when your would has been \
out up use how some other them then these like only any into also just may should its our than time new most \
make could each such first need see way because many well here where both between get work same does using \
example function data file code error python rust javascript typescript server database query model request \
response memory performance test value type string list table user api key config configuration version build \
install network cache thread async await module package library framework class object method variable array \
loop index search result output input format json http client token stream message conversation history \
session browser window page component state event handler callback promise future trait struct enum import \
export return null undefined option default parameter argument command terminal shell linux windows macos \
docker container deploy production development environment path directory folder system process service \
backend frontend schema migration transaction commit branch merge git repository issue bug fix feature release \
update change log debug warning exception panic crash timeout retry limit rate cost price budget usage account \
security password encryption certificate authentication authorization permission role admin interface design \
layout style color font image video audio text document report summary analysis chart graph metric monitor \
alert dashboard pipeline job task queue worker scheduler backup restore storage disk upload download sync \
cloud region latency throughput benchmark profile optimize compile compiler runtime binary executable \
dependency crate npm pip cargo webpack vite react vue svelte node deno django flask fastapi express sql sqlite \
postgres mysql redis mongodb vector embedding prompt completion temperature context reasoning agent tool chain \
language translation grammar sentence word paragraph essay email letter meeting calendar project team plan \
goal idea question answer explanation solution approach problem step detail reason difference support help \
thanks please good better best simple complex large small fast slow easy hard important possible different \
similar specific general common useful correct wrong true false people day year world life story book music \
travel food recipe coffee health sleep exercise city country weather science math physics chemistry biology \
economy market money business customer product marketing strategy pythonic pytest pydantic python3 \
configurable configured serverless database's refactor refactoring iterator iterators closure closures \
lifetime lifetimes borrow borrowed ownership generic generics macro macros";

/// Latin words with diacritics, sprinkled into English text (accent-folding searches find them).
const ACCENTED_WORDS: &[&str] = &[
    "café",
    "naïve",
    "résumé",
    "déjà vu",
    "façade",
    "über",
    "jalapeño",
    "Zürich",
    "São Paulo",
    "Québec",
    "crème brûlée",
    "Müller",
    "piñata",
    "Škoda",
    "Kraków",
];

/// The long tail of the vocabulary is made of real English morphemes, so rare words look like words
/// ("restructured", "interlocking", "stackframe") and have realistic lengths and prefixes.
/// With their weights: most words have none; long prefixes are rare, as in English (a prefix query such as
/// `mult*` or `inter*` then expands to hundreds of words, not thousands).
const PREFIXES: &[(&str, f64)] = &[
    ("", 80.0),
    ("re", 4.0),
    ("un", 3.0),
    ("in", 3.0),
    ("de", 2.0),
    ("co", 2.0),
    ("dis", 1.5),
    ("pre", 1.0),
    ("over", 0.3),
    ("sub", 0.3),
    ("inter", 0.3),
    ("multi", 0.3),
    ("non", 0.3),
    ("auto", 0.3),
    ("micro", 0.3),
    ("out", 0.3),
    ("under", 0.3),
];
const ROOTS: &[&str] = &[
    "form", "port", "struct", "gram", "graph", "log", "scope", "script", "spect", "duct", "ject",
    "mit", "press", "tract", "vers", "vert", "dict", "fer", "pos", "pend", "sist", "stat", "tain",
    "ven", "vid", "vis", "cap", "cept", "cess", "clude", "cred", "cur", "fact", "fect", "fin",
    "flex", "flu", "gen", "grad", "jud", "lect", "loc", "man", "mand", "mark", "med", "mem", "min",
    "mob", "mod", "mot", "nat", "nom", "nov", "part", "ped", "plic", "pon", "pop", "pul", "quer",
    "quest", "rupt", "sec", "sens", "sent", "sign", "sol", "son", "spir", "tact", "temp", "tend",
    "term", "text", "tort", "trib", "turb", "val", "var", "vent", "voc", "vol", "work", "load",
    "lock", "hand", "stack", "heap", "sort", "track", "frame", "space", "line", "point", "block",
    "shift", "scale", "match", "patch", "tag", "link", "mail", "stream", "store", "path", "node",
    "tree", "root", "cast", "code", "host", "bind", "wrap", "pack", "pipe", "plot", "pool", "read",
    "write", "seed", "shard", "slot", "span", "spin", "step", "sum", "swap", "tick", "tile",
    "tone", "walk", "wave", "zone", "light", "cloud", "field", "gate", "grid", "key", "lens",
    "mesh", "net", "page", "rank", "ring", "rule", "sheet", "shell", "site", "sound", "star",
];
const SUFFIXES: &[&str] = &[
    "", "", "", "s", "ed", "ing", "er", "ers", "ion", "ions", "able", "ive", "ment", "ness", "ly",
    "al", "ity", "ize", "ure", "or", "ant", "ful", "less",
];

/// How many distinct word forms English prose draws from (the real ones first, then invented ones for the
/// long tail of rare words: names, jargon, typos).
const VOCABULARY_SIZE: usize = 60_000;
/// Zipf–Mandelbrot: weight of rank r is 1 / (r + Q)^S.
const ZIPF_S: f64 = 1.05;
const ZIPF_Q: f64 = 2.7;

pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    pub fn new() -> Self {
        let mut words: Vec<String> = COMMON_WORDS.split_whitespace().map(str::to_owned).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        // Roots: the morphemes above and the longer common words ("reconfigure", "serverless").
        let roots: Vec<String> = ROOTS
            .iter()
            .map(|r| (*r).to_owned())
            .chain(words.iter().filter(|w| w.len() >= 4).cloned())
            .collect();
        let prefix_weights: Vec<f64> = PREFIXES.iter().map(|p| p.1).collect();
        let mut rng = Rng::new(0xB0CA_B000);
        while words.len() < VOCABULARY_SIZE {
            let root = if rng.chance(0.3) {
                format!("{}{}", rng.pick(&roots), rng.pick(&roots))
            } else {
                rng.pick(&roots).clone()
            };
            let prefix = PREFIXES[rng.weighted(&prefix_weights)].0;
            let word = format!("{prefix}{root}{}", rng.pick(SUFFIXES));
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                total += 1.0 / (r as f64 + ZIPF_Q).powf(ZIPF_S);
                total
            })
            .collect();
        Self { words, cumulative }
    }

    /// The word of this frequency rank (0 is the most common).
    pub fn ranked(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// A word drawn with Zipf frequencies.
    pub fn word(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative[self.cumulative.len() - 1];
        let x = rng.unit() * total;
        let rank = self.cumulative.partition_point(|c| *c < x);
        self.ranked(rank)
    }

    /// A word usable as an identifier (ASCII letters only).
    fn ident(&self, rng: &mut Rng) -> String {
        loop {
            let w = self.word(rng);
            if w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase()) {
                return w.to_owned();
            }
        }
    }
}

// ---- text in other languages ----

const FRENCH: &[&str] = &[
    "Pouvez-vous m'expliquer ce problème ?",
    "C'est déjà réglé, merci beaucoup.",
    "Le café est très bon près de la gare.",
    "Je préfère une réponse détaillée, étape par étape.",
    "La requête échoue après la mise à jour.",
    "Voilà le résumé de la réunion de jeudi.",
    "Il faut vérifier la configuration du réseau.",
    "Où se trouve le fichier de paramètres ?",
    "Est-ce que ça fonctionne aussi sous Windows ?",
    "Cette fonction renvoie une erreur à chaque appel.",
    "Pourriez-vous réécrire ce paragraphe en français ?",
    "L'équipe a décidé de déployer vendredi.",
];

const GERMAN: &[&str] = &[
    "Können Sie mir bitte dabei helfen?",
    "Die Größe der Datei ist zu groß für den Upload.",
    "Ich möchte die Ergebnisse noch einmal überprüfen.",
    "Für die Übersetzung brauche ich etwas mehr Zeit.",
    "Schöne Grüße aus München!",
    "Die Funktion gibt einen Fehler zurück, wenn die Liste leer ist.",
    "Wie kann ich die Leistung der Abfrage verbessern?",
    "Das Straßenverzeichnis enthält doppelte Einträge.",
    "Bitte erklären Sie den Unterschied zwischen beiden Ansätzen.",
    "Der Server antwortet nach dem Neustart nicht mehr.",
];

const JAPANESE: &[&str] = &[
    "東京タワーの近くで会議があります。",
    "このコードはデータベースに接続します。",
    "機械学習のモデルを訓練する方法を教えてください。",
    "エラーメッセージが表示されました。",
    "明日の天気はどうですか。",
    "うちの猫は毎朝六時に起きます。",
    "この関数の戻り値は何ですか。",
    "設定ファイルを確認してください。",
    "パフォーマンスを改善したいです。",
    "日本語の文章を要約してください。",
    "サーバーのログにタイムアウトが記録されています。",
    "京都への旅行の計画を立てています。",
    "テストがすべて成功しました。",
    "この文章を英語に翻訳してください。",
];

const CHINESE: &[&str] = &[
    "请帮我解释这段代码。",
    "数据库连接失败了。",
    "北京今天的天气很好。",
    "这个模型的性能如何？",
    "我想学习机器学习。",
    "请把这段文字翻译成英文。",
    "服务器返回了错误。",
    "如何优化查询速度？",
    "我们明天开会讨论这个问题。",
    "这个函数有一个错误。",
    "上海的交通非常方便。",
    "请给我一个简单的例子。",
];

const KOREAN: &[&str] = &[
    "서울에서 회의가 있습니다.",
    "이 코드를 설명해 주세요.",
    "데이터베이스 연결이 실패했습니다.",
];

const EMOJI: &[&str] = &[
    "🎉", "🚀", "👍", "🤔", "✅", "❤️", "😅", "🔥", "💡", "⚠️", "🙏", "😂", "👀", "🐍", "🦀",
];

const OPENERS: &[&str] = &[
    "For example,",
    "In this case,",
    "Make sure that",
    "Note that",
    "As a result,",
    "On the other hand,",
    "By default,",
    "In other words,",
    "If you want,",
    "First of all,",
];

const SHORT_USER: &[&str] = &[
    "thanks!",
    "continue",
    "make it shorter",
    "can you explain that again?",
    "perfect, thank you",
    "why?",
    "ok",
    "and in Python?",
    "try again",
    "that doesn't work",
    "more detail please",
    "great 👍",
    "ありがとう！",
    "谢谢",
    "merci !",
    "danke",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Language {
    English,
    French,
    German,
    Japanese,
    Chinese,
    Korean,
}

impl Language {
    fn bank(self) -> &'static [&'static str] {
        match self {
            Self::English => &[],
            Self::French => FRENCH,
            Self::German => GERMAN,
            Self::Japanese => JAPANESE,
            Self::Chinese => CHINESE,
            Self::Korean => KOREAN,
        }
    }

    fn is_cjk(self) -> bool {
        matches!(self, Self::Japanese | Self::Chinese | Self::Korean)
    }
}

// ---- code ----

const RUST_CODE: &[&str] = &[
    "use std::collections::HashMap;

fn {a}({b}: &str) -> Result<{T}, Box<dyn std::error::Error>> {
    let mut {c} = HashMap::new();
    for line in {b}.lines() {
        let (key, value) = line.split_once('=').ok_or(\"missing =\")?;
        {c}.insert(key.trim().to_string(), value.trim().parse::<u64>()?);
    }
    Ok({T}::from({c}))
}",
    "#[derive(Debug, Clone, PartialEq)]
pub struct {T} {
    pub {a}: u64,
    pub {b}: String,
    {c}: Vec<u8>,
}

impl {T} {
    pub fn new({a}: u64) -> Self {
        Self { {a}, {b}: String::new(), {c}: Vec::new() }
    }
}",
    "async fn {a}(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let response = client.get(url).send().await?;
    if !response.status().is_success() {
        anyhow::bail!(\"request failed: {}\", response.status());
    }
    Ok(response.text().await?)
}",
    "let {a}: Vec<_> = {b}
    .iter()
    .filter(|x| x.{c} > 0)
    .map(|x| x.{c} * 2)
    .collect();
println!(\"{:?}\", {a});",
];

const PYTHON_CODE: &[&str] = &[
    "import json
from pathlib import Path


def {a}({b}):
    \"\"\"Load the {c} entries from a JSON file.\"\"\"
    with open({b}) as f:
        data = json.load(f)
    return [item for item in data if item.get(\"{c}\")]",
    "class {T}:
    def __init__(self, {a}, {b}=None):
        self.{a} = {a}
        self.{b} = {b} or []

    def {c}(self):
        return sum(len(x) for x in self.{b})",
    "import pandas as pd

df = pd.read_csv(\"{a}.csv\")
df[\"{b}\"] = df[\"{c}\"].apply(lambda x: x * 2)
print(df.groupby(\"{b}\").mean())",
    "async def {a}(session, url):
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.json()",
];

const JS_CODE: &[&str] = &[
    "async function {a}({b}) {
  const response = await fetch(`/api/{c}/${{b}}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}",
    "const {a} = ({b}) =>
  {b}.filter((x) => x.{c} > 0).map((x) => ({ ...x, {c}: x.{c} * 2 }));",
    "export class {T} {
  constructor({a}) {
    this.{a} = {a};
  }

  {c}() {
    return Object.keys(this.{a}).length;
  }
}",
    "document.querySelector(\"#{a}\").addEventListener(\"click\", (event) => {
  event.preventDefault();
  {b}.classList.toggle(\"{c}\");
});",
];

const ERROR_PASTES: &[&str] = &[
    "Traceback (most recent call last):
  File \"{a}.py\", line 42, in <module>
    main()
  File \"{a}.py\", line 17, in main
    value = config[\"{b}\"]
KeyError: '{b}'",
    "error[E0382]: borrow of moved value: `{a}`
  --> src/main.rs:12:20
   |
9  |     let {b} = {a};
   |               - value moved here
12 |     println!(\"{}\", {a}.len());
   |                    ^ value borrowed here after move",
    "TypeError: Cannot read properties of undefined (reading '{a}')
    at {b} (app.js:17:9)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "ERROR: relation \"{a}\" does not exist
LINE 1: SELECT * FROM {a} WHERE {b} = $1",
];

const TABLE_HEADERS: &[&[&str]] = &[
    &["Option", "Speed", "Memory"],
    &["Model", "Context", "Price"],
    &["Step", "Command", "Notes"],
    &["Language", "Typing", "Ecosystem", "Speed"],
];

// ---- models ----

struct ModelInfo {
    id: &'static str,
    providers: &'static [&'static str],
    /// USD per million tokens.
    input: f64,
    output: f64,
    reasoning: bool,
    weight: f64,
}

const MODELS: &[ModelInfo] = &[
    ModelInfo {
        id: "openai/gpt-4o-mini",
        providers: &["OpenAI", "Azure"],
        input: 0.15,
        output: 0.6,
        reasoning: false,
        weight: 30.0,
    },
    ModelInfo {
        id: "anthropic/claude-3.5-sonnet",
        providers: &["Anthropic", "Amazon Bedrock", "Google"],
        input: 3.0,
        output: 15.0,
        reasoning: false,
        weight: 20.0,
    },
    ModelInfo {
        id: "google/gemini-2.0-flash-001",
        providers: &["Google", "Google AI Studio"],
        input: 0.1,
        output: 0.4,
        reasoning: false,
        weight: 15.0,
    },
    ModelInfo {
        id: "meta-llama/llama-3.3-70b-instruct",
        providers: &["DeepInfra", "Together", "Fireworks", "Lambda"],
        input: 0.12,
        output: 0.3,
        reasoning: false,
        weight: 10.0,
    },
    ModelInfo {
        id: "deepseek/deepseek-r1",
        providers: &["DeepSeek", "Fireworks", "Together"],
        input: 0.55,
        output: 2.19,
        reasoning: true,
        weight: 10.0,
    },
    ModelInfo {
        id: "mistralai/mistral-large",
        providers: &["Mistral"],
        input: 2.0,
        output: 6.0,
        reasoning: false,
        weight: 5.0,
    },
    ModelInfo {
        id: "openai/o3-mini",
        providers: &["OpenAI"],
        input: 1.1,
        output: 4.4,
        reasoning: true,
        weight: 10.0,
    },
];

// ---- the export format ----

#[derive(Serialize)]
pub struct ExportConversation {
    pub uid: String,
    pub title: String,
    pub model: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub starred: bool,
    pub archived: bool,
    pub messages: Vec<ExportMessage>,
}

#[derive(Serialize)]
pub struct ExportMessage {
    pub role: &'static str,
    pub content: String,
    pub reasoning: Option<String>,
    pub status: &'static str,
    pub model: Option<&'static str>,
    pub provider: Option<&'static str>,
    pub generation_id: Option<String>,
    pub finish_reason: Option<&'static str>,
    pub native_finish_reason: Option<&'static str>,
    pub error: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
    pub usage: Option<ExportUsage>,
}

#[derive(Serialize)]
pub struct ExportUsage {
    pub model: Option<&'static str>,
    pub provider: Option<&'static str>,
    pub generation_id: Option<String>,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub reasoning_tokens: Option<i64>,
    pub cached_tokens: Option<i64>,
    pub cost_nanos: Option<i64>,
    pub raw: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

// ---- the plan ----

/// One conversation of the plan: everything decided before any text is written.
#[derive(Clone, Debug)]
pub struct PlannedConversation {
    /// Its own generator's seed.
    pub seed: u64,
    pub created_at: i64,
    pub messages: usize,
    pub language: Language,
    model: usize,
    system_prompt: bool,
}

/// `messages` messages in `messages / 100` conversations (at least one), oldest first: most short or
/// medium (log-normal lengths), a few very long ones (thousands of messages in the full-size history).
pub fn plan(messages: usize) -> Vec<PlannedConversation> {
    let mut rng = Rng::new(SEED);
    let count = (messages / 100).max(1);
    let scale = messages as f64 / 1_000_000.0;
    let very_long: Vec<usize> = [8000.0, 5000.0, 3000.0, 2000.0, 1500.0]
        .iter()
        .take(count.saturating_sub(1).min(5))
        .map(|n: &f64| ((n * scale) as usize).max(2))
        .collect();
    let long_total: usize = very_long.iter().sum();
    let rest = count - very_long.len();
    // Log-normal (median ~40 messages, a tail of several hundred), scaled to the messages left.
    let raw: Vec<f64> = (0..rest)
        .map(|_| (3.7 + 0.9 * rng.normal()).exp().max(1.0))
        .collect();
    let budget = messages.saturating_sub(long_total).max(rest);
    let factor = budget as f64 / raw.iter().sum::<f64>();
    let mut lengths: Vec<usize> = raw
        .iter()
        .map(|r| ((r * factor).round() as usize).max(1))
        .collect();
    // Exact total: add or take single messages at random.
    let mut total: usize = lengths.iter().sum();
    while total != budget {
        let i = rng.below(lengths.len().max(1));
        if total < budget {
            lengths[i] += 1;
            total += 1;
        } else if lengths[i] > 1 {
            lengths[i] -= 1;
            total -= 1;
        }
    }
    let model_weights: Vec<f64> = MODELS.iter().map(|m| m.weight).collect();
    let languages = [
        Language::English,
        Language::French,
        Language::German,
        Language::Japanese,
        Language::Chinese,
        Language::Korean,
    ];
    let language_weights = [88.0, 3.0, 2.0, 4.0, 2.5, 0.5];
    let mut planned: Vec<PlannedConversation> = very_long
        .iter()
        .map(|n| (*n, true))
        .chain(lengths.into_iter().map(|n| (n, false)))
        .enumerate()
        .map(|(i, (n, long))| {
            // More use as time goes on (density grows linearly); the very long ones start early so they
            // can run for months.
            let u = rng.unit();
            let at = if long { 0.05 + 0.25 * u } else { u.sqrt() };
            PlannedConversation {
                seed: SEED ^ splitmix(i as u64 + 1),
                created_at: START_MS + (at * SPAN_MS as f64) as i64,
                messages: n,
                language: languages[rng.weighted(&language_weights)],
                model: rng.weighted(&model_weights),
                system_prompt: rng.chance(0.05),
            }
        })
        .collect();
    planned.sort_by_key(|c| (c.created_at, c.seed));
    planned
}

// ---- writing ----

pub struct Writer {
    vocab: Vocabulary,
}

struct Context<'a> {
    rng: Rng,
    vocab: &'a Vocabulary,
    language: Language,
}

impl Writer {
    pub fn new() -> Self {
        Self {
            vocab: Vocabulary::new(),
        }
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    /// An English sentence of the kind the messages contain, for queries that are phrases from the text.
    pub fn sample_sentence(&self, rng: &mut Rng) -> String {
        let mut cx = Context {
            rng: Rng::new(rng.next_u64()),
            vocab: &self.vocab,
            language: Language::English,
        };
        cx.english_sentence()
    }

    pub fn conversation(&self, plan: &PlannedConversation) -> ExportConversation {
        let mut cx = Context {
            rng: Rng::new(plan.seed),
            vocab: &self.vocab,
            language: plan.language,
        };
        let uid = format!("{:016x}{:016x}", cx.rng.next_u64(), cx.rng.next_u64());
        let long = plan.messages > 500;
        let mut model = plan.model;
        let mut at = plan.created_at;
        let mut context_tokens: i64 = 0;
        let mut messages = Vec::with_capacity(plan.messages);
        for i in 0..plan.messages {
            let system = plan.system_prompt && i == 0;
            // User first (after an optional system prompt), then turns alternate.
            let user = !system && (i - usize::from(plan.system_prompt)).is_multiple_of(2);
            if i > 0 {
                at += cx.gap(user, long);
            }
            let message = if system {
                plain_message("system", cx.system_prompt(), at)
            } else if user {
                plain_message("user", cx.user_text(), at)
            } else {
                if cx.rng.chance(0.05) {
                    model = cx
                        .rng
                        .weighted(&MODELS.iter().map(|m| m.weight).collect::<Vec<_>>());
                }
                cx.assistant_message(&MODELS[model], at, context_tokens)
            };
            context_tokens = (context_tokens + message.content.len() as i64 / 4).min(128_000);
            at = at.max(message.updated_at);
            messages.push(message);
        }
        let title = messages
            .iter()
            .find(|m| m.role == "user")
            .map_or_else(|| "New conversation".to_owned(), |m| title_of(&m.content));
        let updated_at = messages.last().map_or(plan.created_at, |m| m.updated_at);
        ExportConversation {
            uid,
            title,
            model: MODELS[model].id.to_owned(),
            created_at: plan.created_at,
            updated_at,
            starred: cx.rng.chance(0.03),
            archived: cx.rng.chance(0.10),
            messages,
        }
    }
}

/// The first few words of the first line, as the app's automatic titles are.
fn title_of(content: &str) -> String {
    let line = content.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().take(7).collect();
    let title: String = words.join(" ").chars().take(60).collect();
    if title.is_empty() {
        "New conversation".to_owned()
    } else {
        title
    }
}

fn plain_message(role: &'static str, content: String, at: i64) -> ExportMessage {
    ExportMessage {
        role,
        content,
        reasoning: None,
        status: "complete",
        model: None,
        provider: None,
        generation_id: None,
        finish_reason: None,
        native_finish_reason: None,
        error: None,
        created_at: at,
        updated_at: at,
        usage: None,
    }
}

impl Context<'_> {
    /// Milliseconds between one message and the next.
    fn gap(&mut self, before_user: bool, long: bool) -> i64 {
        if !before_user {
            return self.rng.range(500, 3000) as i64; // the reply starts
        }
        let r = self.rng.unit();
        let seconds = if r < 0.80 {
            self.rng.range(15, 600)
        } else if r < 0.95 {
            self.rng.range(600, 4 * 3600)
        } else if long {
            self.rng.range(3600, 3 * 86_400)
        } else {
            self.rng.range(3600, 86_400)
        };
        seconds as i64 * 1000
    }

    fn system_prompt(&mut self) -> String {
        let mut text = String::from("You are a helpful assistant. ");
        text.push_str(&self.english_sentence());
        text.push(' ');
        text.push_str("Answer concisely and use Markdown.");
        text
    }

    fn assistant_message(&mut self, model: &ModelInfo, at: i64, context: i64) -> ExportMessage {
        let r = self.rng.unit();
        let (status, finish) = if r < 0.97 {
            (
                "complete",
                Some(if self.rng.chance(0.02) {
                    "length"
                } else {
                    "stop"
                }),
            )
        } else if r < 0.985 {
            ("stopped", None)
        } else if r < 0.995 {
            ("error", None)
        } else {
            ("interrupted", None)
        };
        let mut content = self.assistant_text();
        if status != "complete" {
            // Cut off part-way (on a character boundary), or nothing at all for most errors.
            let keep = if status == "error" && self.rng.chance(0.7) {
                0
            } else {
                content.len() * self.rng.range(10, 90) / 100
            };
            let keep = (0..=keep)
                .rev()
                .find(|i| content.is_char_boundary(*i))
                .unwrap_or(0);
            content.truncate(keep);
        }
        let reasoning = (model.reasoning && self.rng.chance(0.8)).then(|| {
            let n = self.rng.range(2, 8);
            (0..n)
                .map(|_| self.english_sentence())
                .collect::<Vec<_>>()
                .join(" ")
        });
        let provider = *self.rng.pick(model.providers);
        let error = (status == "error" || status == "interrupted").then(|| {
            let (kind, message) = *self.rng.pick(&[
                (
                    "rate_limited",
                    "OpenRouter is receiving too many requests right now. Try again in a minute.",
                ),
                (
                    "provider_error",
                    "The model's provider returned an error. Try again, or pick another model.",
                ),
                (
                    "network",
                    "The connection to OpenRouter was lost before the reply finished.",
                ),
            ]);
            json!({ "kind": kind, "message": message, "action": "retry" })
        });
        let completion = (content.len() as i64 / 4).max(1);
        let reasoning_tokens = reasoning.as_ref().map(|r| r.len() as i64 / 4);
        let completion_tokens = completion + reasoning_tokens.unwrap_or(0);
        // ~50 tokens/s.
        let updated_at = at + 300 + completion_tokens * 20;
        let paid = status != "error" || !content.is_empty();
        let generation_id = paid.then(|| self.generation_id(at));
        let usage = paid.then(|| {
            let prompt_tokens = context + 20;
            let cached =
                (self.rng.chance(0.4) && prompt_tokens > 1024).then(|| prompt_tokens * 6 / 10);
            let cost_nanos = (!self.rng.chance(0.02)).then(|| {
                let nanos_in = model.input * 1000.0;
                let nanos_out = model.output * 1000.0;
                (prompt_tokens as f64 * nanos_in + completion_tokens as f64 * nanos_out).round()
                    as i64
            });
            let mut raw = json!({
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            });
            if let Some(cost) = cost_nanos {
                raw["cost"] = json!(cost as f64 / 1e9);
            }
            if let Some(cached) = cached {
                raw["prompt_tokens_details"] = json!({ "cached_tokens": cached });
            }
            if let Some(reasoning) = reasoning_tokens {
                raw["completion_tokens_details"] = json!({ "reasoning_tokens": reasoning });
            }
            ExportUsage {
                model: Some(model.id),
                provider: Some(provider),
                generation_id: generation_id.clone(),
                prompt_tokens,
                completion_tokens,
                reasoning_tokens,
                cached_tokens: cached,
                cost_nanos,
                raw: Some(raw),
                created_at: updated_at,
                updated_at,
            }
        });
        ExportMessage {
            role: "assistant",
            content,
            reasoning,
            status,
            model: Some(model.id),
            provider: Some(provider),
            generation_id,
            finish_reason: finish,
            native_finish_reason: finish,
            error,
            created_at: at,
            updated_at,
            usage,
        }
    }

    fn generation_id(&mut self, at: i64) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let tail: String = (0..20).map(|_| char::from(*self.rng.pick(ALNUM))).collect();
        format!("gen-{}-{tail}", at / 1000)
    }

    // ---- text ----

    /// A sentence in the conversation's language (English now and then in the others too, as people mix).
    fn sentence(&mut self) -> String {
        let bank = self.language.bank();
        if bank.is_empty() || self.rng.chance(0.3) {
            return self.english_sentence();
        }
        let mut s = (*self.rng.pick(bank)).to_owned();
        if self.language.is_cjk() && self.rng.chance(0.3) {
            // A technical word in the middle of CJK text, as it is usually written.
            let w = self.vocab.ident(&mut self.rng);
            s = format!("{w} {s}");
        }
        s
    }

    fn english_sentence(&mut self) -> String {
        let n = self.rng.range(5, 22);
        let mut s = String::with_capacity(n * 7);
        if self.rng.chance(0.12) {
            s.push_str(self.rng.pick::<&str>(OPENERS));
            s.push(' ');
        }
        for i in 0..n {
            if i > 0 {
                s.push(if self.rng.chance(0.06) { ',' } else { ' ' });
                if s.ends_with(',') {
                    s.push(' ');
                }
            }
            let r = self.rng.unit();
            if r < 0.04 {
                s.push('`');
                s.push_str(&self.vocab.ident(&mut self.rng));
                s.push_str(if self.rng.chance(0.5) { "()`" } else { "`" });
            } else if r < 0.05 {
                s.push_str("**");
                s.push_str(self.vocab.word(&mut self.rng));
                s.push_str("**");
            } else if r < 0.053 {
                s.push_str(self.rng.pick::<&str>(ACCENTED_WORDS));
            } else if r < 0.06 {
                s.push_str(&self.rng.range(2, 4096).to_string());
            } else {
                s.push_str(self.vocab.word(&mut self.rng));
            }
        }
        // Capital first letter.
        if let Some(first) = s.chars().next() {
            if first.is_ascii_lowercase() {
                s.replace_range(..1, &first.to_ascii_uppercase().to_string());
            }
        }
        s.push(*self.rng.pick(&['.', '.', '.', '.', '?', '!']));
        s
    }

    fn paragraph(&mut self, min: usize, max: usize) -> String {
        let n = self.rng.range(min, max);
        let sentences: Vec<String> = (0..n).map(|_| self.sentence()).collect();
        let sep = if self.language.is_cjk() { "" } else { " " };
        sentences.join(sep)
    }

    fn maybe_emoji(&mut self, text: &mut String, p: f64) {
        if self.rng.chance(p) {
            let e = *self.rng.pick(EMOJI);
            if self.rng.chance(0.5) {
                text.push(' ');
                text.push_str(e);
            } else {
                *text = format!("{e} {text}");
            }
        }
    }

    fn fill(&mut self, template: &str) -> String {
        let a = self.vocab.ident(&mut self.rng);
        let b = self.vocab.ident(&mut self.rng);
        let c = self.vocab.ident(&mut self.rng);
        let t = self.vocab.ident(&mut self.rng);
        let t = format!("{}{}", t[..1].to_ascii_uppercase(), &t[1..]);
        template
            .replace("{a}", &a)
            .replace("{b}", &b)
            .replace("{c}", &c)
            .replace("{T}", &t)
    }

    fn code_block(&mut self) -> String {
        let (lang, templates) = *self.rng.pick(&[
            ("rust", RUST_CODE),
            ("python", PYTHON_CODE),
            ("python", PYTHON_CODE),
            ("javascript", JS_CODE),
            ("js", JS_CODE),
        ]);
        let parts = self.rng.range(1, 3);
        let body: Vec<String> = (0..parts)
            .map(|_| {
                let t = *self.rng.pick(templates);
                self.fill(t)
            })
            .collect();
        format!("```{lang}\n{}\n```", body.join("\n\n"))
    }

    fn list(&mut self, numbered: bool) -> String {
        let n = self.rng.range(3, 7);
        (1..=n)
            .map(|i| {
                let marker = if numbered {
                    format!("{i}.")
                } else {
                    "-".to_owned()
                };
                let item = if self.rng.chance(0.3) {
                    let w = self.vocab.word(&mut self.rng).to_owned();
                    format!("**{w}**: {}", self.sentence())
                } else {
                    self.sentence()
                };
                format!("{marker} {item}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn table(&mut self) -> String {
        let headers = *self.rng.pick(TABLE_HEADERS);
        let mut t = format!("| {} |\n|", headers.join(" | "));
        t.push_str(&"---|".repeat(headers.len()));
        for _ in 0..self.rng.range(2, 6) {
            t.push_str("\n|");
            for col in 0..headers.len() {
                let cell = if col == 0 {
                    self.vocab.word(&mut self.rng).to_owned()
                } else if self.rng.chance(0.5) {
                    format!(
                        "{} {}",
                        self.rng.range(1, 999),
                        self.rng.pick(&["ms", "MB", "$", "%", "k"])
                    )
                } else {
                    format!(
                        "{} {}",
                        self.vocab.word(&mut self.rng),
                        self.vocab.word(&mut self.rng)
                    )
                };
                t.push(' ');
                t.push_str(&cell);
                t.push_str(" |");
            }
        }
        t
    }

    fn heading(&mut self) -> String {
        let level = if self.rng.chance(0.6) { "##" } else { "###" };
        let n = self.rng.range(1, 4);
        let words: Vec<String> = (0..n)
            .map(|_| self.vocab.word(&mut self.rng).to_owned())
            .collect();
        let mut h = words.join(" ");
        if let Some(first) = h.chars().next() {
            if first.is_ascii_lowercase() {
                h.replace_range(..1, &first.to_ascii_uppercase().to_string());
            }
        }
        format!("{level} {h}")
    }

    fn user_text(&mut self) -> String {
        let r = self.rng.unit();
        let mut text = if r < 0.10 {
            (*self.rng.pick(SHORT_USER)).to_owned()
        } else if r < 0.80 {
            self.paragraph(1, 3)
        } else if r < 0.95 {
            let intro = self.paragraph(1, 2);
            let paste = if self.rng.chance(0.5) {
                let t = *self.rng.pick(ERROR_PASTES);
                format!("```\n{}\n```", self.fill(t))
            } else {
                self.code_block()
            };
            format!("{intro}\n\n{paste}")
        } else {
            // A long paste to summarise or translate.
            let n = self.rng.range(3, 8);
            let body: Vec<String> = (0..n).map(|_| self.paragraph(3, 7)).collect();
            format!("Summarize this:\n\n{}", body.join("\n\n"))
        };
        self.maybe_emoji(&mut text, 0.08);
        text
    }

    fn assistant_text(&mut self) -> String {
        let r = self.rng.unit();
        let mut blocks: Vec<String> = Vec::new();
        if r < 0.35 {
            for _ in 0..self.rng.range(1, 3) {
                blocks.push(self.paragraph(2, 5));
            }
        } else if r < 0.65 {
            blocks.push(self.paragraph(1, 3));
            blocks.push(self.heading());
            blocks.push(self.list(false));
            if self.rng.chance(0.4) {
                blocks.push(self.heading());
                blocks.push(self.list(true));
            }
            if self.rng.chance(0.5) {
                blocks.push(self.paragraph(1, 3));
            }
        } else if r < 0.85 {
            blocks.push(self.paragraph(1, 2));
            blocks.push(self.code_block());
            if self.rng.chance(0.3) {
                blocks.push(self.paragraph(1, 2));
                blocks.push(self.code_block());
            }
            blocks.push(self.list(false));
        } else if r < 0.93 {
            blocks.push(self.paragraph(1, 2));
            blocks.push(self.table());
            blocks.push(self.paragraph(1, 3));
        } else {
            // A long, sectioned answer.
            let title = self.heading();
            blocks.push(format!("# {}", title.trim_start_matches('#').trim()));
            blocks.push(self.paragraph(2, 4));
            for _ in 0..self.rng.range(3, 6) {
                blocks.push(self.heading());
                blocks.push(self.paragraph(2, 5));
                match self.rng.below(3) {
                    0 => blocks.push(self.code_block()),
                    1 => blocks.push(self.list(false)),
                    _ => blocks.push(self.table()),
                }
            }
            blocks.push(self.paragraph(1, 3));
        }
        let mut text = blocks.join("\n\n");
        self.maybe_emoji(&mut text, 0.03);
        text
    }
}
