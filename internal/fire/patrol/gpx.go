package patrol

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

func fileErr(zh, en string) error {
	f := errs.Fields{}
	f.Add("file", zh, en)
	return f.Err()
}

// parseGPX reads the track and route points of a GPX 1.0/1.1 file. A file
// whose root element is not <gpx>, larger than MaxGPXBytes or with more than
// MaxGPXPoints points is refused naming the field "file". Points without a
// <time> are spread evenly between from and to.
func parseGPX(r io.Reader, from, to time.Time) ([]Point, error) {
	lr := &io.LimitedReader{R: r, N: MaxGPXBytes + 1}
	dec := xml.NewDecoder(lr)
	dec.Strict = true
	var pts []Point
	var cur *Point
	inTime, root, timed := false, false, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if lr.N <= 0 {
			return nil, fileErr("GPX 文件不能超过5MB", "the GPX file may not exceed 5 MB")
		}
		if err != nil {
			return nil, fileErr("不是有效的 GPX 文件（XML 无法解析）", "not a GPX file (bad XML)")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !root {
				if t.Name.Local != "gpx" {
					return nil, fileErr("不是 GPX 文件（根元素应为 gpx）", "not a GPX file")
				}
				root = true
				continue
			}
			switch t.Name.Local {
			case "trkpt", "rtept":
				if len(pts) >= MaxGPXPoints {
					return nil, fileErr("GPX 文件的轨迹点不能超过"+strconv.Itoa(MaxGPXPoints)+"个", "at most "+strconv.Itoa(MaxGPXPoints)+" points")
				}
				p := Point{}
				var okLat, okLon bool
				for _, at := range t.Attr {
					v, err := strconv.ParseFloat(at.Value, 64)
					switch at.Name.Local {
					case "lat":
						p.Lat, okLat = v, err == nil
					case "lon":
						p.Lng, okLon = v, err == nil
					}
				}
				p.At = from // checked below
				if !okLat || !okLon || badPoint(p) {
					return nil, fileErr("GPX 文件第"+strconv.Itoa(len(pts)+1)+"个点的坐标无效", "point "+strconv.Itoa(len(pts)+1)+" has bad coordinates")
				}
				p.At = time.Time{}
				pts = append(pts, p)
				cur = &pts[len(pts)-1]
			case "time":
				inTime = cur != nil
			}
		case xml.CharData:
			if inTime && cur != nil {
				if tm, err := time.Parse(time.RFC3339, string(t)); err == nil {
					cur.At = tm.UTC()
					timed++
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "time":
				inTime = false
			case "trkpt", "rtept":
				cur = nil
			}
		}
	}
	if !root {
		return nil, fileErr("不是 GPX 文件", "not a GPX file")
	}
	if len(pts) < 2 {
		return nil, fileErr("GPX 文件中至少需要2个轨迹点", "the GPX file needs at least 2 points")
	}
	if timed < len(pts) { // spread untimed points over the patrol
		step := to.Sub(from) / time.Duration(len(pts)-1)
		for i := range pts {
			pts[i].At = from.Add(step * time.Duration(i))
		}
	}
	return pts, nil
}

// ImportGPX replaces a patrol's route with a GPX file's track (desktop:
// squads with a GPS device). The patrol should have ended, so untimed
// points can be spread over it.
func (s *Service) ImportGPX(ctx context.Context, a *auth.Actor, ref string, r io.Reader) (*Patrol, error) {
	p, err := s.patrolToRecord(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	to := s.Clock.Now().UTC()
	if p.EndedAt != nil {
		to = *p.EndedAt
	}
	pts, err := parseGPX(r, p.StartedAt, to)
	if err != nil {
		return nil, err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := s.appendRoute(ctx, w, p.ID, pts, true, &PointsResult{}); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.patrol.gpx", ObjectType: "fire_patrol", ObjectID: idStr(p.ID), UnitID: p.UnitID,
			Summary: "导入 GPX 轨迹 " + strconv.Itoa(len(pts)) + " 个点", After: map[string]any{"points": len(pts)}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPatrol(ctx, a, p.ID)
}
