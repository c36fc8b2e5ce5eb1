//! A record's text as the index and search read it: the file's slice, or a CSV row
//! turned into a JSON object (its text cells left empty, or given apart for search).

use super::SourceCtx;
use crate::load::profile::Format;
use crate::load::record::{self, RecordRef};
use crate::model::{Problem, ProblemKind};

impl<'a> SourceCtx<'a> {
    /// The record's text as JSON: the file slice, or a CSV row turned into an object.
    pub fn record_text(&self, rec: &RecordRef) -> Result<std::borrow::Cow<'a, str>, Problem> {
        let slice: &'a [u8] = &self.bytes[rec.range()];
        if self.format == Format::Csv {
            return self.csv_text(rec, &[]);
        }
        // SIMD validation: this runs over every byte of the corpus.
        simdutf8::compat::from_utf8(slice)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|e| {
                let upto = &slice[..e.valid_up_to()];
                let nl = memchr::memrchr(b'\n', upto);
                let line = rec.line + memchr::memchr_iter(b'\n', upto).count() as u64;
                let col = e.valid_up_to() - nl.map_or(0, |i| i + 1) + 1;
                Problem::new(
                    &self.ctx.path,
                    ProblemKind::InvalidUtf8,
                    format!("invalid UTF-8 byte 0x{:02x}", slice[e.valid_up_to()]),
                )
                .at_line(line)
                .at_column(col as u64)
            })
    }

    /// The record's text for indexing: as `record_text`, but a CSV row's cells that
    /// are only ever read as texts are left empty (still strings); when the record is
    /// tested as it is indexed, those that stand as their text are given apart.
    pub(super) fn index_text(
        &self,
        rec: &RecordRef,
    ) -> Result<(std::borrow::Cow<'a, str>, record::PlainCells<'a>), Problem> {
        if self.format != Format::Csv || self.csv_text_only.is_empty() {
            return Ok((self.record_text(rec)?, Default::default()));
        }
        if self.tests.is_some() {
            return self.search_text(rec);
        }
        Ok((self.csv_text(rec, self.csv_text_only)?, Default::default()))
    }

    /// The record's text for text search: as `record_text`, but the cells of a CSV
    /// row's text columns that stand as their text are given apart, not escaped into
    /// its JSON text (texts read from it must be read with them).
    pub fn search_text(
        &self,
        rec: &RecordRef,
    ) -> Result<(std::borrow::Cow<'a, str>, record::PlainCells<'a>), Problem> {
        if self.format != Format::Csv || self.csv_text_only.is_empty() {
            return Ok((self.record_text(rec)?, Default::default()));
        }
        let slice: &'a [u8] = &self.bytes[rec.range()];
        record::csv_row_json_plain(
            self.csv_headers,
            self.csv_delimiter,
            slice,
            self.csv_text_only,
        )
        .map(|(text, cells)| (std::borrow::Cow::Owned(text), cells))
        .ok_or_else(|| {
            Problem::new(&self.ctx.path, ProblemKind::CsvShape, "unreadable row").at_line(rec.line)
        })
    }

    /// A CSV row as a JSON object, the cells of the columns marked in `leave` empty.
    fn csv_text(
        &self,
        rec: &RecordRef,
        leave: &[bool],
    ) -> Result<std::borrow::Cow<'a, str>, Problem> {
        let slice: &'a [u8] = &self.bytes[rec.range()];
        record::csv_row_json_leaving(self.csv_headers, self.csv_delimiter, slice, leave)
            .map(std::borrow::Cow::Owned)
            .ok_or_else(|| {
                Problem::new(&self.ctx.path, ProblemKind::CsvShape, "unreadable row")
                    .at_line(rec.line)
            })
    }
}
