//! Error types of the library. The CLI turns these into messages and exit code 2.

use std::path::PathBuf;

/// A failure that stops a run (exit code 2). Per-row problems are never errors:
/// they are findings or unreadable rows.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: không mở được tệp / cannot open file: {}", why(.source))]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: lỗi đọc tệp / read error: {}", why(.source))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: lỗi ghi tệp / write error: {}", why(.source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: tệp rỗng, không có dòng tiêu đề / empty file, no header line")]
    EmptyFile { path: PathBuf },
    #[error("{path}:1: dòng tiêu đề không đọc được / header line unreadable: {reason}")]
    BadHeader { path: PathBuf, reason: String },
    #[error("{path}: thiếu cột bắt buộc / missing required column(s) for profile '{profile}': {missing}")]
    MissingColumns {
        path: PathBuf,
        profile: String,
        missing: String,
    },
    #[error("{path}:{line}: không nhận ra loại dữ liệu từ dòng tiêu đề / cannot tell the kind of export from the header: {headers}. Nếu đúng là dòng tiêu đề, chọn --profile (vaccination, bhxh, education); nếu không, chỉ ra dòng tiêu đề bằng --header-row N (xem: lamsach columns TỆP) / if this is the header, choose --profile (vaccination, bhxh, education); if not, give the header's line with --header-row N (see: lamsach columns FILE)")]
    UnknownProfile {
        path: PathBuf,
        line: u64,
        headers: String,
    },
    #[error("{0}")]
    Config(String),
    #[error("cột nhóm '{column}' không có trong tệp / group-by column '{column}' not found; columns: {available}")]
    NoGroupColumn { column: String, available: String },
    #[error("{0}")]
    Usage(String),
    #[error("đã dừng theo yêu cầu (Ctrl-C); không ghi báo cáo dở dang / interrupted (Ctrl-C); no partial report written")]
    Interrupted,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An operating-system error in both languages, with what to do next; the
/// system's own words kept for the rest.
fn why(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let (vi, en) = match e.kind() {
        K::IsADirectory => (
            "đây là thư mục, không phải tệp; chỉ ra một tệp",
            "this is a folder, not a file; name a file",
        ),
        K::NotADirectory => (
            "một phần của đường dẫn là tệp, không phải thư mục; chọn đường dẫn khác",
            "part of the path is a file, not a folder; choose another path",
        ),
        K::AlreadyExists => (
            "đã có một tệp cùng tên ở đây; chọn thư mục khác cho --out hoặc xóa tệp đó",
            "a file of that name is in the way; choose another folder for --out or remove it",
        ),
        K::NotFound => (
            "không có tệp hoặc thư mục này; kiểm tra đường dẫn",
            "no such file or folder; check the path",
        ),
        K::PermissionDenied => (
            "không có quyền truy cập; chọn thư mục khác hoặc xin quyền",
            "permission denied; choose another folder or ask for access",
        ),
        K::StorageFull => (
            "ổ đĩa đã đầy; giải phóng chỗ trống rồi chạy lại",
            "the disk is full; free some space and run again",
        ),
        _ => return e.to_string(),
    };
    format!("{vi} / {en} ({e})")
}

impl Error {
    /// The error of a failed write to `path`, for `map_err`.
    pub fn write(path: impl AsRef<std::path::Path>) -> impl Fn(std::io::Error) -> Error {
        let path = path.as_ref().to_path_buf();
        move |source| Error::Write {
            path: path.clone(),
            source,
        }
    }

    /// The error of a failed write to `path` reported by a library (CSV,
    /// JSON, workbook writers), for `map_err`.
    pub fn write_other<E: std::fmt::Display>(
        path: impl AsRef<std::path::Path>,
    ) -> impl Fn(E) -> Error {
        let path = path.as_ref().to_path_buf();
        move |e| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        }
    }

    /// The error of a failed read of `path`, for `map_err`.
    pub fn read(path: impl AsRef<std::path::Path>) -> impl Fn(std::io::Error) -> Error {
        let path = path.as_ref().to_path_buf();
        move |source| Error::Read {
            path: path.clone(),
            source,
        }
    }

    /// A thread of the run died (a bug, not the input): "lỗi nội bộ khi
    /// {vi} / internal error in {en}". The run fails rather than end early
    /// as if the file were shorter.
    pub fn internal(vi: &str, en: &str) -> Error {
        Error::Usage(format!("lỗi nội bộ khi {vi} / internal error in {en}"))
    }
}
