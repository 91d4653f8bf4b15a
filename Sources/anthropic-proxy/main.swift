import ProxyServer
print("hi")
