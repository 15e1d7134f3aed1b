package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Channel kinds.
const (
	KindDingTalk = "dingtalk"
	KindWeCom    = "wecom"
	KindFeishu   = "feishu"
	KindWebhook  = "webhook"
)

// ChannelKinds lists the channel kinds in display order.
var ChannelKinds = []string{KindDingTalk, KindWeCom, KindFeishu, KindWebhook}

// SignatureHeader carries the generic webhook's body signature.
const SignatureHeader = "X-Diaodu-Signature"

// footer ends every robot message. Robots secured by a keyword (DingTalk,
// Feishu) only pass messages containing it: "调度" is the keyword to set.
const footer = "调度平台"

// outMessage is what a delivery carries.
type outMessage struct {
	ID         int64     `json:"id"` // delivery id: the same on every retry, so receivers can drop repeats
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Link       string    `json:"link"`
	URL        string    `json:"url"` // Link made absolute with the base URL; "" without one
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// target is where and how to send.
type target struct {
	kind, url, secret string
}

// request is a built HTTP request: URL, JSON body and extra headers.
type request struct {
	url    string
	body   []byte
	header http.Header
}

// absolute makes an SPA path absolute with base ("" when either is empty).
func absolute(base, link string) string {
	if link == "" {
		return ""
	}
	if strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
		return link
	}
	if base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(link, "/")
}

// linkLine is the link line of a robot message: a markdown link when the
// link is absolute, else the SPA path as text, so people still know where
// to look.
func (m outMessage) linkLine(markdown bool) string {
	switch {
	case m.URL != "" && markdown:
		return "[查看详情](" + m.URL + ")"
	case m.URL != "":
		return m.URL
	case m.Link != "":
		return "详情：" + m.Link
	}
	return ""
}

// cut shortens s to at most n bytes on a rune boundary, with an ellipsis.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// build makes the request for t in the channel's documented format; now
// stamps the robot signatures.
func build(t target, m outMessage, now time.Time) (request, error) {
	var payload any
	req := request{url: t.url, header: http.Header{}}
	switch t.kind {
	case KindDingTalk:
		// DingTalk custom robot, markdown message: {"msgtype":"markdown",
		// "markdown":{"title","text"}}; paragraphs need a blank line. Signed
		// robots take &timestamp=<ms>&sign=<urlencode(base64(HmacSHA256(
		// key=secret, data=timestamp+"\n"+secret)))> on the URL.
		// https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages
		// https://open.dingtalk.com/document/robots/customize-robot-security-settings
		text := "#### " + m.Title
		if m.Body != "" {
			text += "\n\n" + strings.ReplaceAll(m.Body, "\n", "\n\n")
		}
		if l := m.linkLine(true); l != "" {
			text += "\n\n" + l
		}
		text += "\n\n> " + footer
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Title, "text": cut(text, 18000)}}
		if t.secret != "" {
			ts := strconv.FormatInt(now.UnixMilli(), 10)
			sep := "?"
			if strings.Contains(t.url, "?") {
				sep = "&"
			}
			req.url += sep + "timestamp=" + ts + "&sign=" + url.QueryEscape(DingTalkSign(t.secret, ts))
		}
	case KindWeCom:
		// WeCom (企业微信) group robot, markdown message: {"msgtype":"markdown",
		// "markdown":{"content"}}, content at most 4096 bytes. The key in the
		// URL is the only credential: WeCom robots have no signature.
		// https://developer.work.weixin.qq.com/document/path/91770
		content := "**" + m.Title + "**"
		if m.Body != "" {
			content += "\n" + m.Body
		}
		if l := m.linkLine(true); l != "" {
			content += "\n" + l
		}
		content += "\n<font color=\"comment\">" + footer + "</font>"
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": cut(content, 4096)}}
	case KindFeishu:
		// Feishu custom bot, rich text: {"msg_type":"post","content":{"post":
		// {"zh_cn":{"title","content":[[{"tag":"text","text"}],[{"tag":"a",
		// "text","href"}]]}}}}. Signed bots add "timestamp" (seconds) and
		// "sign" = base64(HmacSHA256(key=timestamp+"\n"+secret, data="")).
		// https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
		var lines [][]map[string]string
		if m.Body != "" {
			for l := range strings.SplitSeq(cut(m.Body, 12000), "\n") {
				lines = append(lines, []map[string]string{{"tag": "text", "text": l}})
			}
		}
		if m.URL != "" {
			lines = append(lines, []map[string]string{{"tag": "a", "text": "查看详情", "href": m.URL}})
		} else if l := m.linkLine(false); l != "" {
			lines = append(lines, []map[string]string{{"tag": "text", "text": l}})
		}
		lines = append(lines, []map[string]string{{"tag": "text", "text": "—— " + footer}})
		p := map[string]any{"msg_type": "post", "content": map[string]any{"post": map[string]any{
			"zh_cn": map[string]any{"title": m.Title, "content": lines}}}}
		if t.secret != "" {
			ts := strconv.FormatInt(now.Unix(), 10)
			p["timestamp"], p["sign"] = ts, FeishuSign(t.secret, ts)
		}
		payload = p
	case KindWebhook:
		// Generic: the message as JSON, signed like GitHub's webhooks.
		payload = m
	default:
		return req, fmt.Errorf("未知的通道类型 %q", t.kind)
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return req, err
	}
	req.body = b
	if t.kind == KindWebhook && t.secret != "" {
		req.header.Set(SignatureHeader, WebhookSignature(t.secret, b))
	}
	return req, nil
}

// DingTalkSign is DingTalk's robot signature of timestamp (milliseconds),
// before URL encoding.
func DingTalkSign(secret, timestamp string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// FeishuSign is Feishu's bot signature of timestamp (seconds): the key is
// the string to sign and the data is empty, as Feishu's samples do.
func FeishuSign(secret, timestamp string) string {
	h := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// WebhookSignature is the generic webhook's header value:
// "sha256=" + hex(HmacSHA256(key=secret, data=body)).
func WebhookSignature(secret string, body []byte) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(body)
	return "sha256=" + hex.EncodeToString(h.Sum(nil))
}

// judge says whether an answer means success: any 2xx status, and for the
// robots the platform's own code in the body, since they answer HTTP 200
// to a refused message.
func judge(kind string, status int, body []byte) error {
	if status < 200 || status > 299 {
		return fmt.Errorf("HTTP %d", status)
	}
	switch kind {
	case KindDingTalk, KindWeCom:
		var r struct {
			ErrCode *int   `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.Unmarshal(body, &r); err != nil || r.ErrCode == nil {
			return fmt.Errorf("接收方的应答不是预期的 JSON（缺少 errcode）")
		}
		if *r.ErrCode != 0 {
			return fmt.Errorf("接收方拒绝：errcode=%d %s", *r.ErrCode, r.ErrMsg)
		}
	case KindFeishu:
		// Current bots answer {"code":0,"msg":"success"}; older ones
		// {"StatusCode":0,"StatusMessage":"success"}.
		var r struct {
			Code          *int   `json:"code"`
			Msg           string `json:"msg"`
			StatusCode    *int   `json:"StatusCode"`
			StatusMessage string `json:"StatusMessage"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("接收方的应答不是预期的 JSON")
		}
		switch {
		case r.Code != nil && *r.Code != 0:
			return fmt.Errorf("接收方拒绝：code=%d %s", *r.Code, r.Msg)
		case r.Code == nil && r.StatusCode == nil:
			return fmt.Errorf("接收方的应答不是预期的 JSON（缺少 code）")
		case r.Code == nil && *r.StatusCode != 0:
			return fmt.Errorf("接收方拒绝：StatusCode=%d %s", *r.StatusCode, r.StatusMessage)
		}
	}
	return nil
}
