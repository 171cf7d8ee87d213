package evolutiontest

import (
	"fmt"
	"net/http"
	"time"
)

// mediaTypes are the values sendMedia's schema allows for mediatype.
var mediaTypes = map[string]bool{"image": true, "video": true, "audio": true, "document": true}

// validate answers what Evolution refuses before sending: schema errors
// (400), an empty text (400) and sendTemplate on Baileys (500). It reports
// false when the request is fine.
func validate(c call) (Answer, bool) {
	if c.body == nil {
		return errorAnswer(http.StatusBadRequest, []any{"Invalid format"}), true
	}
	if _, ok := c.body["number"].(string); !ok {
		return required("number"), true
	}
	switch c.verb {
	case "sendTemplate":
		return MethodNotAvailable(), true
	case "sendText":
		text, ok := c.body["text"].(string)
		if !ok {
			return required("text"), true
		}
		if text == "" {
			return errorAnswer(http.StatusBadRequest, []any{"Text is required"}), true
		}
	case "sendMedia":
		for _, f := range []string{"mediatype", "media"} {
			if _, ok := c.body[f].(string); !ok {
				return required(f), true
			}
		}
		if mt := c.body["mediatype"].(string); !mediaTypes[mt] {
			return errorAnswer(http.StatusBadRequest, []any{"instance.mediatype is not one of enum values: image,document,video,audio"}), true
		}
	}
	return Answer{}, false
}

func required(field string) Answer {
	return errorAnswer(http.StatusBadRequest, []any{fmt.Sprintf("instance requires property %q", field)})
}

// acceptedBody is prepareMessage(sent), the 201 body of a send (§1.4).
type acceptedBody struct {
	Key              messageKey     `json:"key"`
	PushName         string         `json:"pushName"`
	Status           string         `json:"status"`
	Message          map[string]any `json:"message"`
	ContextInfo      any            `json:"contextInfo"`
	MessageType      string         `json:"messageType"`
	MessageTimestamp int64          `json:"messageTimestamp"`
	InstanceID       string         `json:"instanceId"`
	Source           string         `json:"source"`
}

type messageKey struct {
	RemoteJid string `json:"remoteJid"`
	FromMe    bool   `json:"fromMe"`
	ID        string `json:"id"`
}

// accepted builds the 201 body for an accepted send with key.id key.
func (s *Server) accepted(key string, c call) string {
	msgType, message := "conversation", map[string]any{"conversation": c.body["text"]}
	switch c.verb {
	case "sendMedia":
		mt, _ := c.body["mediatype"].(string)
		media := map[string]any{"url": c.body["media"]}
		if caption, ok := c.body["caption"]; ok {
			media["caption"] = caption
		}
		msgType, message = mt+"Message", map[string]any{mt + "Message": media}
	case "sendTemplate": // a scripted Accept, as a WHATSAPP-BUSINESS instance answers
		message["conversation"] = fmt.Sprintf("▶️%v◀️", c.body["name"])
	}
	return mustJSON(acceptedBody{
		Key:      messageKey{RemoteJid: c.number + "@s.whatsapp.net", FromMe: true, ID: key},
		PushName: "Você", Status: "PENDING", Message: message, MessageType: msgType,
		MessageTimestamp: time.Now().Unix(), InstanceID: s.instanceID, Source: "web",
	})
}
