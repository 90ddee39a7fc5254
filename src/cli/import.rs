//! `orderly import`: files on disk into the database, with a progress bar and a
//! report a person can act on (file, line, column, reason).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::core::import::mapping::Mapping;
use crate::core::import::{Entity, FileReport};
use crate::flow::import::sheet::{self, Format};
use crate::flow::import::{self, check_source, Input, Options, Phase};
use crate::runtime::Runtime;
use crate::store;

/// What the command line asked for.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// Files named by what they hold (customers.csv, sites.xlsx, …), `kind=path`, or folders of such files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The other system's name: a second import from it updates what the first made.
    #[arg(long, default_value = "import")]
    pub source: String,
    /// Check every row and report what is wrong; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A TOML file: a table per kind of file, `field = "header"`.
    #[arg(long)]
    pub map: Option<PathBuf>,
    /// The folder of photos and certificate PDFs the files name (default: the files' folder).
    #[arg(long)]
    pub files: Option<PathBuf>,
    /// The staff e-mail the import is recorded under (default: the first owner).
    #[arg(long = "as")]
    pub user: Option<String>,
}

/// One file to read: its kind, format and path.
#[derive(Debug, Clone, PartialEq)]
struct Named {
    entity: Entity,
    format: Format,
    path: PathBuf,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A file of a known kind, if its name says CSV or XLSX.
fn named(entity: Entity, path: PathBuf) -> Result<Named, String> {
    let format = Format::of_file_name(&file_name(&path))
        .ok_or_else(|| format!("{}: not a .csv or .xlsx file", path.display()))?;
    Ok(Named {
        entity,
        format,
        path,
    })
}

/// The kinds of import file, for messages.
fn kinds() -> String {
    Entity::ALL
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `customers.csv`, `kind=path` (`customers=clients.xlsx`), or a folder of such files.
fn name_files(paths: &[PathBuf]) -> Result<Vec<Named>, String> {
    let mut out = Vec::new();
    for arg in paths {
        let text = arg.to_string_lossy();
        if let Some((kind, path)) = text.split_once('=') {
            let entity = Entity::parse(kind).ok_or_else(|| unknown_kind(kind))?;
            out.push(named(entity, PathBuf::from(path))?);
        } else if arg.is_dir() {
            let before = out.len();
            for entry in std::fs::read_dir(arg).map_err(|e| format!("{}: {e}", arg.display()))? {
                let path = entry.map_err(|e| e.to_string())?.path();
                if let Some(entity) = Entity::of_file_name(&file_name(&path)) {
                    out.extend(named(entity, path).ok());
                }
            }
            if out.len() == before {
                return Err(format!(
                    "{}: no .csv or .xlsx file named after what it holds ({})",
                    arg.display(),
                    kinds()
                ));
            }
        } else {
            let entity = Entity::of_file_name(&file_name(arg)).ok_or_else(|| {
                format!(
                    "{}: the name does not say what it holds; name it customers.csv, sites.xlsx, … or write customers={}",
                    arg.display(),
                    arg.display()
                )
            })?;
            out.push(named(entity, arg.clone())?);
        }
    }
    let mut kinds: Vec<Entity> = out.iter().map(|n| n.entity).collect();
    kinds.sort_by_key(|e| e.as_str());
    if let Some(w) = kinds.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("two files of {}: give one per kind", w[0].as_str()));
    }
    Ok(out)
}

fn unknown_kind(kind: &str) -> String {
    format!("`{kind}` is not a kind of import file: {}", kinds())
}

/// The mapping file: a TOML table per kind, field = "header".
fn read_mapping(path: &Path) -> Result<BTreeMap<&'static str, Mapping>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let raw: BTreeMap<String, Mapping> =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    raw.into_iter()
        .map(|(kind, m)| {
            Ok((
                Entity::parse(&kind)
                    .ok_or_else(|| unknown_kind(&kind))?
                    .as_str(),
                m,
            ))
        })
        .collect()
}

/// Runs the import; `Err` when a file could not be read or had bad rows.
pub fn run(runtime: &Runtime, args: ImportArgs) -> Result<(), String> {
    let started = Instant::now();
    let source = check_source(Some(&args.source)).map_err(|e| e.to_string())?;
    let named = name_files(&args.paths)?;
    let mut mappings = match &args.map {
        Some(path) => read_mapping(path)?,
        None => BTreeMap::new(),
    };
    let mut inputs = Vec::new();
    for n in &named {
        let bytes = std::fs::read(&n.path).map_err(|e| format!("{}: {e}", n.path.display()))?;
        let sheet = sheet::read(n.format, &bytes, sheet::MAX_ROWS)
            .map_err(|e| format!("{}: {e}", n.path.display()))?;
        inputs.push(Input {
            entity: n.entity,
            sheet,
            mapping: mappings.remove(n.entity.as_str()).unwrap_or_default(),
        });
    }
    let folder = args.files.clone().or_else(|| {
        named
            .first()
            .and_then(|n| n.path.parent().map(Path::to_path_buf))
    });
    let mut conn = runtime.database.pool.get().map_err(|e| e.to_string())?;
    let user = match &args.user {
        Some(email) => store::users::find_by_email(&mut conn, &email.trim().to_lowercase()),
        None => store::users::first_owner(&mut conn),
    }
    .map_err(|e| e.to_string())?
    .ok_or("no such account: the import is recorded under a staff account (create the owner first: orderly user add)")?;
    let actor = runtime.actor(&user.id, user.roles().map_err(|e| e.to_string())?);
    let input = runtime.input_context();
    let options = Options {
        source: &source,
        dry_run: args.dry_run,
        folder: folder.as_deref(),
    };
    let mut bar: Option<(Entity, Phase, ProgressBar)> = None;
    let style = ProgressStyle::with_template(
        "{prefix:>13} {msg:8} [{bar:32}] {human_pos:>7}/{human_len:7} {elapsed:>4}, {eta} to go",
    )
    .map_err(|e| e.to_string())?
    .progress_chars("=> ");
    let reports = import::run(
        &mut conn,
        &actor,
        &input,
        inputs,
        &options,
        &mut |entity, phase, done, total| {
            if bar
                .as_ref()
                .is_none_or(|(e, p, _)| *e != entity || *p != phase)
            {
                if let Some((_, _, old)) = bar.take() {
                    old.finish();
                }
                let b = ProgressBar::new(total as u64)
                    .with_style(style.clone())
                    .with_prefix(entity.as_str())
                    .with_message(match phase {
                        Phase::Checking => "checking",
                        Phase::Writing => "writing",
                        Phase::Indexing => "indexing",
                    });
                bar = Some((entity, phase, b));
            }
            if let Some((_, _, b)) = &bar {
                b.set_position(done as u64);
            }
        },
    )
    .map_err(|e| e.to_string())?;
    if let Some((_, _, b)) = bar.take() {
        b.finish();
    }
    let files: Vec<(&Named, &FileReport)> = reports
        .iter()
        .filter_map(|r| {
            named
                .iter()
                .find(|n| n.entity.as_str() == r.entity)
                .map(|n| (n, r))
        })
        .collect();
    let mut bad = 0;
    for (n, r) in &files {
        println!("{}", summary(n, r, args.dry_run));
        for e in &r.errors {
            bad += 1;
            let column = match (&e.column, &e.field) {
                (Some(c), Some(f)) if c != f => format!(", column `{c}` ({f})"),
                (_, Some(f)) => format!(", {f}"),
                _ => String::new(),
            };
            println!(
                "  {} line {}{column}: {}",
                n.path.display(),
                e.line,
                e.message
            );
        }
        if !r.ignored_columns.is_empty() {
            println!("  columns not read: {}", r.ignored_columns.join(", "));
        }
    }
    for n in named
        .iter()
        .filter(|n| !reports.iter().any(|r| r.entity == n.entity.as_str()))
    {
        println!(
            "{}: not imported: a file it may refer to has bad rows",
            n.path.display()
        );
    }
    println!(
        "{} in {:.1} s{}",
        if args.dry_run { "dry run" } else { "import" },
        started.elapsed().as_secs_f64(),
        if args.dry_run {
            ": nothing was written"
        } else {
            ""
        }
    );
    if bad > 0 {
        return Err(format!(
            "{bad} bad rows: their files were not imported; fix them and run again"
        ));
    }
    Ok(())
}

fn summary(n: &Named, r: &FileReport, dry_run: bool) -> String {
    let verb = if dry_run { "would be " } else { "" };
    if r.errors.is_empty() {
        format!(
            "{}: {} rows, {} {verb}created, {} {verb}updated{}",
            n.path.display(),
            r.rows,
            r.created,
            r.updated,
            if r.files > 0 {
                format!(", {} files", r.files)
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "{}: {} rows, {} bad: nothing written",
            n.path.display(),
            r.rows,
            r.errors.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_by_what_they_hold() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["customers.csv", "Sites.xlsx", "notes.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let mut found = name_files(&[dir.path().to_path_buf()]).unwrap();
        found.sort_by_key(|n| n.entity.as_str());
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].entity, Entity::Sites);
        assert_eq!(found[1].format, Format::Xlsx);
        let explicit = name_files(&[PathBuf::from("equipment=/tmp/items.csv")]).unwrap();
        assert_eq!(explicit[0].entity, Entity::Equipment);
        assert!(name_files(&[PathBuf::from("invoices.csv")])
            .unwrap_err()
            .contains("customers="));
        assert!(name_files(&[
            PathBuf::from("customers.csv"),
            PathBuf::from("customers=c.csv")
        ])
        .is_err());
    }
}
