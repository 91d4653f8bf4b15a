import Hummingbird
import AsyncHTTPClient
public enum Placeholder2 {}
