"""Request paths of the WebSocket endpoints."""

LEARN = "/symetry/ws/learn"
FORGET = "/symetry/ws/forget"
PREDICT = "/symetry/ws/predict"
SUBSCRIBE = "/symetry/ws/subscribe"
UPLOAD = "/symetry/ws/upload"
