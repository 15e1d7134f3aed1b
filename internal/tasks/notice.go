package tasks

import (
	"net/http"
	"strconv"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/files"
	"diaodu/internal/platform/httpx"
)

// NoticeDoc is a supervision notice (督办单) as printed: NoticeDocument
// (notice_doc.go) lays it out as a Word file.
type NoticeDoc struct {
	Number       string        `json:"number"`       // 督办〔2026〕3号
	Year         int           `json:"year"`         // 2026
	UnitName     string        `json:"unit_name"`    // the lead unit it is addressed to
	TaskNumber   string        `json:"task_number"`  // 示督〔2026〕12号
	TaskTitle    string        `json:"task_title"`   //
	Requirements string        `json:"requirements"` // 具体目标/措施
	Deadline     calendar.Date `json:"deadline"`     // the task's deadline (zero for long-term work)
	Problem      string        `json:"problem"`      // why the notice: the light's reason when issued
	Content      string        `json:"content"`      // what the office demands
	IssuedOn     calendar.Date `json:"issued_on"`    //
	OfficeName   string        `json:"office_name"`  // 示范区委督查室
	ReplyBy      calendar.Date `json:"reply_by"`     // the unit answers in writing by this day
}

// docxType is the media type of Word files.
const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// serveNotice answers the notice as a Word file named by its number
// (督办〔2026〕3号.docx).
func serveNotice(w http.ResponseWriter, doc *NoticeDoc) error {
	b, err := NoticeDocument(*doc)
	if err != nil {
		return err
	}
	httpx.Attachment(w, docxType, files.ContentDisposition(doc.Number+".docx", false))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	return err
}
