//! Response bodies written piece by piece: each piece is its own HTTP chunk, with pauses between them and an
//! optional cut of the connection. The server notes how each body ended ([`StreamEnd`]), and when the client
//! went away before the reply finished, bills its generation only for the tokens sent by then ([`Sent`]).

use std::collections::VecDeque;
use std::io;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use futures_util::stream;

use super::state::{Sent, State, StreamEnd};

/// One step of a body.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Bytes sent as one HTTP chunk.
    Data(Bytes),
    /// Wait before the next piece.
    Pause(Duration),
    /// Abort: the connection is closed without finishing the body.
    Cut,
    /// Sends nothing: the data before it carried this many completion (and reasoning) tokens in all.
    Progress {
        completion_tokens: u64,
        reasoning_tokens: u64,
    },
    /// Sends nothing: the generation is complete (finish and usage sent); leaving now does not cancel it.
    Finished,
}

/// A body to be sent piece by piece.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    pieces: Vec<Piece>,
}

impl Plan {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any bytes, as one HTTP chunk.
    pub fn raw(&mut self, bytes: impl Into<Bytes>) -> &mut Self {
        self.pieces.push(Piece::Data(bytes.into()));
        self
    }

    /// An SSE comment line, e.g. `: OPENROUTER PROCESSING`.
    pub fn comment(&mut self, text: &str) -> &mut Self {
        self.raw(format!(": {text}\n\n"))
    }

    /// `data: <json>` followed by a blank line.
    pub fn event(&mut self, json: &str) -> &mut Self {
        self.raw(format!("data: {json}\n\n"))
    }

    /// `data: [DONE]`.
    pub fn done(&mut self) -> &mut Self {
        self.raw("data: [DONE]\n\n")
    }

    /// A pause; zero durations are skipped.
    pub fn pause(&mut self, duration: Duration) -> &mut Self {
        if !duration.is_zero() {
            self.pieces.push(Piece::Pause(duration));
        }
        self
    }

    /// Marks that the data so far carried `completion_tokens` completion tokens, `reasoning_tokens` of them
    /// reasoning (cumulative; what a stopped reply is billed for).
    pub fn progress(&mut self, completion_tokens: u64, reasoning_tokens: u64) -> &mut Self {
        self.pieces.push(Piece::Progress {
            completion_tokens,
            reasoning_tokens,
        });
        self
    }

    /// Marks the generation complete: a client leaving after this point does not cancel it.
    pub fn finished(&mut self) -> &mut Self {
        self.pieces.push(Piece::Finished);
        self
    }

    /// Cut the connection here. A short pause first lets the server flush what came before (it would otherwise
    /// drop its unsent buffer with the connection, and the client would see nothing at all).
    pub fn cut(&mut self) -> &mut Self {
        self.pieces.push(Piece::Pause(Duration::from_millis(20)));
        self.pieces.push(Piece::Cut);
        self
    }

    /// The body, reporting how it ended to the request log entry `request_id`.
    pub fn into_body(self, state: State, request_id: u64) -> Body {
        let guard = EndGuard {
            state,
            request_id,
            end: None,
            sent: Sent::default(),
        };
        let queue: VecDeque<Piece> = self.pieces.into();
        let stream = stream::unfold((queue, guard), |(mut queue, mut guard)| async move {
            loop {
                match queue.pop_front() {
                    None => {
                        guard.finish(StreamEnd::Completed);
                        return None;
                    }
                    Some(Piece::Data(bytes)) => return Some((Ok(bytes), (queue, guard))),
                    Some(Piece::Pause(duration)) => tokio::time::sleep(duration).await,
                    Some(Piece::Progress {
                        completion_tokens,
                        reasoning_tokens,
                    }) => {
                        guard.sent.completion_tokens = completion_tokens;
                        guard.sent.reasoning_tokens = reasoning_tokens;
                    }
                    Some(Piece::Finished) => guard.sent.finished = true,
                    Some(Piece::Cut) => {
                        guard.finish(StreamEnd::CutByMock);
                        queue.clear();
                        let cut = io::Error::new(
                            io::ErrorKind::ConnectionAborted,
                            "mock: connection cut on purpose",
                        );
                        return Some((Err(cut), (queue, guard)));
                    }
                }
            }
        });
        Body::from_stream(stream)
    }
}

/// Records the stream's end in the request log when the body is dropped (and cancels the generation when the
/// client went away before it finished).
struct EndGuard {
    state: State,
    request_id: u64,
    end: Option<StreamEnd>,
    sent: Sent,
}

impl EndGuard {
    fn finish(&mut self, end: StreamEnd) {
        self.end = Some(end);
    }
}

impl Drop for EndGuard {
    fn drop(&mut self) {
        let end = self.end.unwrap_or(StreamEnd::ClientGone);
        let at = self.state.elapsed_ms();
        // The generation first: a test that waits for `stream_end` then finds `/generation` up to date.
        if end == StreamEnd::ClientGone {
            self.state.cancel_generation(self.request_id, self.sent);
        }
        self.state.update_request(self.request_id, |r| {
            r.stream_end = Some(end);
            r.stream_end_ms = Some(at);
        });
    }
}
