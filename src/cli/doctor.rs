//! `weya-tui doctor`: what is configured, from where, what each credential
//! covers by Weya's pages, and a live check of what can be checked without
//! changing anything (gh's `auth status` is the model).
//!
//! Exit 0 when every check that was made passed and nothing the app needs
//! is missing; 1 otherwise; 2 when the configuration itself is refused
//! (that is said before this runs, by the loading of the config).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::output::{FAILED, Io, OK, REFUSED, json_line, visible};
use crate::api::auth::{Action, AuthMode, DocumentedAuth};
use crate::api::{ApiError, BatchQuery};
use crate::config::{Config, Origin, Paths, Setting, Target};
use crate::connection::{Connection, TargetLabel};

/// One live check.
struct Check {
    /// What was asked: "the batch list".
    name: &'static str,
    /// The request, without its host: "GET /api/call/batches/{userId}?page=1&limit=1".
    request: String,
    /// The credential it carried: "Bearer token ••••5678".
    carried: Option<String>,
    outcome: Outcome,
    /// Whether a failure makes `doctor` fail: a check of something the
    /// operator configured, or that the app cannot do without.
    counts: bool,
}

enum Outcome {
    Passed {
        status: u16,
        request_id: Option<String>,
        /// What came back, in words: "3 batches".
        said: String,
    },
    Failed {
        error: String,
        status: Option<u16>,
        request_id: Option<String>,
        advice: Option<String>,
    },
    /// Not made, and why.
    Skipped(String),
}

impl Check {
    fn failed(&self) -> bool {
        self.counts && matches!(self.outcome, Outcome::Failed { .. })
    }
}

/// `doctor`: the report on `io`; the exit code.
pub async fn doctor(config: &Config, paths: Option<&Paths>, io: &mut Io<'_>) -> io::Result<u8> {
    let connection = match Connection::open(config, paths).await {
        Ok(connection) => connection,
        Err(e) => {
            let message = super::output::error_text(&e.into());
            return io.fail(REFUSED, &message, json!({}));
        }
    };
    let target = &connection.target;
    let mut problems = Vec::new();
    let remote = matches!(config.target, Target::Remote { .. });
    if remote && !connection.can_list_batches {
        problems.push(
            "no user ID is configured (WEYA_USER_ID, or user_id in the config file): the batch \
             list, start-calling, stop-calling and add-phone need it"
                .to_owned(),
        );
    }
    let checks = live_checks(&connection, config).await;
    problems.extend(
        checks
            .iter()
            .filter(|c| c.failed())
            .map(|c| format!("the check of {} failed", c.name)),
    );
    let code = if problems.is_empty() { OK } else { FAILED };
    if io.json {
        write_json(config, target, &checks, &problems, io)?;
    } else {
        write_text(config, target, &checks, &problems, io.out)?;
    }
    Ok(code)
}

/// The read-only checks: the batch list (one batch) and the phone list.
/// The key has no read-only action on Weya's pages, so it is only checked
/// when it is the one the lists carry.
async fn live_checks(connection: &Connection, config: &Config) -> Vec<Check> {
    let client = &connection.client;
    let target = &connection.target;
    let carried = |action| {
        client
            .config()
            .credentials
            .for_action(action)
            .map(|(mode, c)| format!("{mode} {}", c.masked()))
    };
    let mut checks = Vec::new();

    let request = "GET /api/call/batches/{userId}?page=1&limit=1".to_owned();
    let outcome = if connection.can_list_batches {
        let query = BatchQuery {
            page: 1,
            limit: 1,
            search: None,
        };
        match client.list_batches_answered(&query).await {
            Ok(a) => Outcome::Passed {
                status: a.status,
                request_id: a.request_id,
                said: match a.value.pagination.total {
                    0 if a.value.batches.is_empty() => "no batches yet".to_owned(),
                    1 => "1 batch".to_owned(),
                    n => format!("{} batches", crate::num::thousands(n)),
                },
            },
            Err(e) => failed(&e),
        }
    } else {
        Outcome::Skipped("not checked: no user ID is configured".to_owned())
    };
    checks.push(Check {
        name: Action::ListBatches.label(),
        request,
        carried: carried(Action::ListBatches),
        outcome,
        counts: true,
    });

    let phones_path = &client.config().phones_path;
    let phones_configured = config
        .settings
        .iter()
        .any(|s| s.name == "phones path" && s.origin != Some(Origin::Default));
    let outcome = match client.list_phones_answered().await {
        Ok(a) => Outcome::Passed {
            status: a.status,
            request_id: a.request_id,
            said: match a.value.len() {
                1 => "1 phone number".to_owned(),
                n => format!("{n} phone numbers"),
            },
        },
        Err(ApiError::MissingSetting { .. }) => {
            Outcome::Skipped("not checked: no user ID is configured".to_owned())
        }
        Err(e) => failed(&e),
    };
    checks.push(Check {
        name: Action::ListPhones.label(),
        request: format!("GET {}", visible(phones_path)),
        carried: carried(Action::ListPhones),
        outcome,
        // Weya documents no phone list: the default path is our guess,
        // and its failing says nothing about what the operator set up
        // (the phone book and typed IDs still work). A path they set is
        // theirs, and is checked.
        counts: phones_configured || matches!(target, TargetLabel::Sandbox),
    });

    // The key: no page documents a read-only action for it.
    let lists_carry_key = [Action::ListBatches, Action::ListPhones].iter().any(|a| {
        target
            .carries(*a)
            .is_some_and(|c| c.mode == AuthMode::ApiKey)
    });
    if let Some(key) = target.carries(Action::AddCalls)
        && key.mode == AuthMode::ApiKey
        && !lists_carry_key
    {
        checks.push(Check {
            name: "the x-api-key",
            request: "(none)".to_owned(),
            carried: Some(format!("{} {}", key.mode, key.masked)),
            outcome: Outcome::Skipped(
                "not checked: on Weya's pages only createBatch and addCallsToBatch take it, and \
                 both change data"
                    .to_owned(),
            ),
            counts: false,
        });
    }
    checks
}

fn failed(e: &ApiError) -> Outcome {
    Outcome::Failed {
        error: e.to_string(),
        status: e.status(),
        request_id: e.request_id().map(str::to_owned),
        advice: e.auth_advice(),
    }
}

/// Where a setting came from, or how to set it when it is not.
fn origin_text(setting: &Setting) -> String {
    match (&setting.origin, setting.env, setting.key) {
        (Some(Origin::Default), ..) if setting.name == "phones path" => {
            "default (our assumption: Weya documents no phone list)".to_owned()
        }
        (Some(origin), ..) => origin.to_string(),
        (None, Some(env), Some(key)) => format!("not set: {env}, or {key} in the config file"),
        (None, None, Some(key)) => format!("not set: {key} in the config file"),
        (None, Some(env), None) => format!("not set: {env}"),
        (None, None, None) => "not set".to_owned(),
    }
}

/// What a request for `action` carries, against what its page documents.
struct Coverage {
    action: Action,
    documented: DocumentedAuth,
    /// "x-api-key ••••cdef", or `None` with no credential.
    carries: Option<(AuthMode, String)>,
}

impl Coverage {
    fn as_documented(&self) -> bool {
        self.carries
            .as_ref()
            .is_some_and(|(mode, _)| self.documented.accepts(*mode))
    }

    /// What to do about it, when the request does not carry what the
    /// page documents.
    fn advice(&self) -> Option<String> {
        match &self.carries {
            _ if self.as_documented() => None,
            None => Some(format!(
                "no credential: set {}",
                self.documented.preferred().where_to_set()
            )),
            Some(_) => Some(format!(
                "not what its page documents: set {}",
                self.documented.preferred().where_to_set()
            )),
        }
    }
}

fn coverage(target: &TargetLabel) -> Vec<Coverage> {
    Action::ALL
        .into_iter()
        .map(|action| Coverage {
            action,
            documented: action.documented_auth(),
            carries: match target {
                // The sandbox's own key and token: each page gets its own.
                TargetLabel::Sandbox => {
                    let mode = action.documented_auth().preferred();
                    Some((mode, format!("{mode} (the sandbox's own)")))
                }
                TargetLabel::Remote { .. } => target
                    .carries(action)
                    .map(|c| (c.mode, format!("{} {}", c.mode, c.masked))),
            },
        })
        .collect()
}

fn target_text(config: &Config, target: &TargetLabel) -> String {
    match (target, &config.target) {
        (TargetLabel::Sandbox, Target::Sandbox) if has_remote_settings(config) => {
            "the embedded sandbox (--sandbox): it uses its own key and token, not the ones below"
                .to_owned()
        }
        (TargetLabel::Sandbox, _) => {
            "the embedded sandbox (no base URL and no credential configured): it uses its own \
             key and token"
                .to_owned()
        }
        (TargetLabel::Remote { base_url, .. }, _) => visible(base_url).into_owned(),
    }
}

fn has_remote_settings(config: &Config) -> bool {
    config
        .settings
        .iter()
        .any(|s| matches!(s.name, "base URL" | "x-api-key" | "Bearer token") && s.value.is_some())
}

fn write_text(
    config: &Config,
    target: &TargetLabel,
    checks: &[Check],
    problems: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "Target       {}", target_text(config, target))?;
    match &config.config_file {
        Some(path) => writeln!(out, "Config file  {}", visible(&path.display().to_string()))?,
        None => writeln!(out, "Config file  none read")?,
    }
    writeln!(out)?;
    writeln!(out, "Settings in force")?;
    for setting in &config.settings {
        let value = setting.value.as_deref().unwrap_or("—");
        writeln!(
            out,
            "  {:<13} {:<28} {}",
            setting.name,
            crate::text::fit(&visible(value), 28),
            visible(&origin_text(setting))
        )?;
    }
    writeln!(out)?;
    writeln!(out, "What each action carries (by Weya's pages)")?;
    for c in coverage(target) {
        let carries = c
            .carries
            .as_ref()
            .map_or("nothing", |(_, text)| text.as_str());
        let mark = if c.as_documented() { "✓" } else { "✗" };
        let mut line = format!(
            "  {mark} {:<16} page: {:<22} sends {carries}",
            c.action.label(),
            c.documented.short(),
        );
        if let Some(advice) = c.advice() {
            line.push_str(&format!(": {advice}"));
        }
        writeln!(out, "{}", visible(&line))?;
    }
    writeln!(out)?;
    writeln!(out, "Checks (read-only)")?;
    for check in checks {
        let with = check
            .carried
            .as_deref()
            .map(|c| format!(" with {c}"))
            .unwrap_or_default();
        let line = match &check.outcome {
            Outcome::Passed {
                status,
                request_id,
                said,
            } => format!(
                "  ✓ {}: HTTP {status}, {said}{} ({}{with})",
                check.name,
                request_id_text(request_id.as_deref()),
                check.request
            ),
            Outcome::Failed {
                error,
                request_id,
                advice,
                ..
            } => {
                let mark = if check.counts { "✗" } else { "!" };
                let mut line = format!(
                    "  {mark} {}: {error}{} ({}{with})",
                    check.name,
                    request_id_text(request_id.as_deref().filter(|id| !error.contains(id))),
                    check.request
                );
                if let Some(advice) = advice {
                    line.push_str(&format!("\n    {advice}"));
                }
                if !check.counts {
                    line.push_str(
                        "\n    Weya documents no phone list: set WEYA_PHONES_PATH to where your \
                         deployment serves one, or keep the numbers in the phone book.",
                    );
                }
                line
            }
            Outcome::Skipped(why) => format!("  – {}: {why}", check.name),
        };
        for line in line.lines() {
            writeln!(out, "{}", visible(line))?;
        }
    }
    writeln!(out)?;
    if problems.is_empty() {
        writeln!(out, "All that is configured works.")?;
    } else {
        for problem in problems {
            writeln!(out, "Problem: {}", visible(problem))?;
        }
    }
    Ok(())
}

fn request_id_text(id: Option<&str>) -> String {
    id.map(|id| format!(", request ID {id}"))
        .unwrap_or_default()
}

fn write_json(
    config: &Config,
    target: &TargetLabel,
    checks: &[Check],
    problems: &[String],
    io: &mut Io<'_>,
) -> io::Result<()> {
    let settings: Vec<Value> = config
        .settings
        .iter()
        .map(|s| {
            json!({
                "setting": s.name,
                "env": s.env,
                "configKey": s.key,
                "value": s.value,
                "origin": s.origin.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    let actions: Vec<Value> = coverage(target)
        .iter()
        .map(|c| {
            json!({
                "action": c.action.label(),
                "documented": c.documented.short(),
                "carries": c.carries.as_ref().map(|(mode, _)| mode.label()),
                "masked": c.carries.as_ref().map(|(_, text)| text),
                "asDocumented": c.as_documented(),
                "advice": c.advice(),
            })
        })
        .collect();
    let checks: Vec<Value> = checks
        .iter()
        .map(|c| {
            let mut value = json!({
                "check": c.name,
                "request": c.request,
                "carries": c.carried,
                "counts": c.counts,
            });
            let more = match &c.outcome {
                Outcome::Passed {
                    status,
                    request_id,
                    said,
                } => json!({"result": "passed", "status": status, "requestId": request_id,
                    "detail": said}),
                Outcome::Failed {
                    error,
                    status,
                    request_id,
                    advice,
                } => json!({"result": "failed", "status": status, "requestId": request_id,
                    "detail": error, "advice": advice}),
                Outcome::Skipped(why) => json!({"result": "skipped", "detail": why}),
            };
            if let (Some(obj), Value::Object(more)) = (value.as_object_mut(), more) {
                obj.extend(more);
            }
            value
        })
        .collect();
    let target_value = match target {
        TargetLabel::Sandbox => json!({"kind": "sandbox"}),
        TargetLabel::Remote { host, base_url, .. } => {
            json!({"kind": "remote", "host": host, "baseUrl": base_url})
        }
    };
    let value = json!({
        "ok": problems.is_empty(),
        "target": target_value,
        "configFile": config.config_file.as_ref().map(|p| p.display().to_string()),
        "settings": settings,
        "actions": actions,
        "checks": checks,
        "problems": problems,
    });
    writeln!(io.out, "{}", json_line(&value))
}
