//! Plain questions, one line each: a question written and flushed, a line
//! read. No cursor moves, no colours, no redraws: what a screen reader or
//! a dumb terminal reads is exactly what is written, in order. Generic over
//! the streams, so the flow is tested with scripted input.

use std::io::{self, BufRead, Write};

/// Why a flow stopped before its end.
#[derive(Debug)]
pub enum Halt {
    /// The input ended (Ctrl-D, or a closed pipe): the operator left.
    Ended,
    Io(io::Error),
}

impl From<io::Error> for Halt {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// Questions on `out`, answers from `input`.
pub struct Prompter<R, W> {
    input: R,
    pub out: W,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub fn new(input: R, out: W) -> Self {
        Self { input, out }
    }

    /// A line of text, made safe to show (it may quote the server).
    pub fn say(&mut self, line: &str) -> io::Result<()> {
        writeln!(self.out, "{}", crate::text::visible(line))?;
        self.out.flush()
    }

    /// Asks `question` and returns the line typed, without its line break
    /// and the spaces around it; [`Halt::Ended`] when the input has ended.
    pub fn ask(&mut self, question: &str) -> Result<String, Halt> {
        write!(self.out, "{}", crate::text::visible(question))?;
        self.out.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            // The cursor is after the question: the next line starts clean.
            writeln!(self.out)?;
            return Err(Halt::Ended);
        }
        Ok(line.trim().to_owned())
    }

    /// A numbered menu: each choice on its own line as "N. text", then
    /// "Choose 1 to N: " until a number in range (or a choice's text) is
    /// typed. Returns the index chosen, from 0.
    pub fn choose(&mut self, title: &str, choices: &[String]) -> Result<usize, Halt> {
        self.say(title)?;
        for (i, choice) in choices.iter().enumerate() {
            self.say(&format!("{}. {choice}", i + 1))?;
        }
        let n = choices.len();
        loop {
            let answer = self.ask(&format!("Choose 1 to {n}: "))?;
            if let Some(i) = pick(&answer, choices) {
                return Ok(i);
            }
            self.say(&format!(
                "“{answer}” is not one of the choices: type a number from 1 to {n}."
            ))?;
        }
    }
}

/// The choice `answer` names: its number, or its text (any case).
fn pick(answer: &str, choices: &[String]) -> Option<usize> {
    let answer = answer.trim().trim_end_matches('.');
    if let Ok(n) = answer.parse::<usize>() {
        return (1..=choices.len()).contains(&n).then(|| n - 1);
    }
    choices
        .iter()
        .position(|c| !answer.is_empty() && c.eq_ignore_ascii_case(answer))
}
