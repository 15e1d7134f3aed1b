package notify

import (
	"net/http"
	"slices"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// Routes registers the inbox, channel, delivery-log and settings endpoints.
func (n *Notifier) Routes(rt *httpx.Router) {
	const ti, tc, td = "inbox", "notify-channels", "notify-deliveries"
	rt.Handle("GET", "/api/v1/inbox", ti, "我的消息", n.handleInbox, httpx.Query("unread", "page", "page_size"))
	rt.Handle("GET", "/api/v1/inbox/unread-count", ti, "未读消息数", n.handleUnread)
	rt.Handle("PUT", "/api/v1/inbox/{id}/read", ti, "标记消息已读", httpx.DoByID(n.MarkRead), noBody)
	rt.Handle("PUT", "/api/v1/inbox/read-all", ti, "全部标为已读", n.handleReadAll, noBody)

	rt.Handle("GET", "/api/v1/notify-channels", tc, "消息通道列表", n.handleListChannels)
	rt.Handle("GET", "/api/v1/notify-channels/{id}", tc, "消息通道详情", httpx.GetByID(n.GetChannel))
	rt.Handle("POST", "/api/v1/notify-channels", tc, "新建消息通道", n.handleSaveChannel)
	rt.Handle("PATCH", "/api/v1/notify-channels/{id}", tc, "修改消息通道", n.handleSaveChannel)
	rt.Handle("DELETE", "/api/v1/notify-channels/{id}", tc, "删除消息通道及其投递记录", httpx.DoByID(n.DeleteChannel))
	rt.Handle("POST", "/api/v1/notify-channels/{id}/test", tc, "发送测试消息", n.handleTest, noBody)
	rt.Handle("GET", "/api/v1/notify-kinds", tc, "可选的消息类型", n.handleKinds)
	rt.Handle("GET", "/api/v1/notify-settings", tc, "通知设置", httpx.Get(n.GetSettings))
	rt.Handle("PUT", "/api/v1/notify-settings", tc, "修改通知设置", n.handlePutSettings)

	rt.Handle("GET", "/api/v1/notify-deliveries", td, "投递记录", n.handleDeliveries,
		httpx.Query("channel_id", "status", "kind", "page", "page_size"))
	rt.Handle("POST", "/api/v1/notify-deliveries/{id}/retry", td, "重新发送", httpx.DoByID(n.RetryDelivery), noBody)
}

// noBody documents a POST that takes no body.
func noBody(r *httpx.Route) { r.Body = "" }

func (n *Notifier) handleInbox(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	unread := httpx.BoolParam(r, "unread", f)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := n.ListInbox(r.Context(), a, unread != nil && *unread, p.Limit(), p.Offset())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

func (n *Notifier) handleUnread(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	k, err := n.UnreadCount(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]int{"count": k})
	return nil
}

func (n *Notifier) handleReadAll(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	k, err := n.MarkAllRead(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]int{"updated": k})
	return nil
}

func (n *Notifier) handleListChannels(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := n.ListChannels(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[*Channel]{Items: items, Total: len(items)})
	return nil
}

func (n *Notifier) handleSaveChannel(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var id int64
	status := http.StatusCreated
	if r.Method == http.MethodPatch {
		var err error
		if id, err = httpx.PathID(r); err != nil {
			return err
		}
		status = http.StatusOK
	}
	// Permission before the body: a refused caller learns nothing from
	// validation messages.
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return err
	}
	var in ChannelInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := n.SaveChannel(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, status, c)
	return nil
}

func (n *Notifier) handleTest(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	res, err := n.TestChannel(r.Context(), a, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, res)
	return nil
}

func (n *Notifier) handleKinds(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": n.Kinds(), "channel_kinds": ChannelKinds, "statuses": Statuses})
	return nil
}

func (n *Notifier) handlePutSettings(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	if err := auth.Require(a, auth.ManageNotify); err != nil {
		return err
	}
	var in SettingsInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	s, err := n.PutSettings(r.Context(), a, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, s)
	return nil
}

func (n *Notifier) handleDeliveries(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	fe := errs.Fields{}
	q := r.URL.Query()
	f := DeliveryFilter{Status: q.Get("status"), Kind: q.Get("kind")}
	if q.Get("channel_id") == "sms" {
		f.ChannelID = -1
	} else {
		f.ChannelID = httpx.Int64Param(r, "channel_id", fe)
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		fe.Add("status", "状态应为 pending、failed、sent 或 dead", "status must be pending, failed, sent or dead")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	items, total, err := n.ListDeliveries(r.Context(), a, f, p.Limit(), p.Offset())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Delivery]{Items: items, Total: total})
	return nil
}
